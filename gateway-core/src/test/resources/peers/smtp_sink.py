"""A next-hop SMTP (or LMTP) server for integration tests, on loopback.

Every message received is stored raw, byte for byte as it arrived after dot-unstuffing, as
<dir>/<n>.eml with its envelope beside it in <n>.json; both appear atomically (written under a
temporary name, then renamed), so a test that polls the directory never sees half a message.
Each accepted connection is counted in <dir>/connections.

Usage: smtp_sink.py --port PORT --dir DIR [--lmtp] [--tls-cert C --tls-key K]
                    [--defer-rcpt SUBSTRING] [--reject-rcpt SUBSTRING]
"""
import argparse
import asyncio
import json
import os
import signal
import ssl
import threading

from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP


class Store:
    def __init__(self, directory):
        self.directory = directory
        self.lock = threading.Lock()
        self.count = 0
        self.connections = 0
        os.makedirs(directory, exist_ok=True)

    def _atomic(self, name, data):
        tmp = os.path.join(self.directory, "." + name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, os.path.join(self.directory, name))

    def save(self, envelope):
        with self.lock:
            self.count += 1
            n = self.count
        meta = {
            "mail_from": envelope.mail_from,
            "mail_options": envelope.mail_options,
            "rcpt_tos": envelope.rcpt_tos,
            "rcpt_options": envelope.rcpt_options,
        }
        self._atomic("%06d.eml" % n, envelope.original_content)
        self._atomic("%06d.json" % n, json.dumps(meta).encode())

    def connected(self):
        with self.lock:
            self.connections += 1
            self._atomic("connections", str(self.connections).encode())


class Handler:
    def __init__(self, store, defer, reject, lmtp):
        self.store = store
        self.defer = defer
        self.reject = reject
        self.lmtp = lmtp

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.defer and self.defer in address:
            return "450 4.2.0 <%s>: mailbox busy, try later" % address
        if self.reject and self.reject in address:
            return "550 5.1.1 <%s>: no such user" % address
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.append(rcpt_options)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server, session, envelope):
        self.store.save(envelope)
        if self.lmtp:
            return "\r\n".join("250 2.0.0 <%s> delivered" % r for r in envelope.rcpt_tos)
        return "250 2.0.0 Ok: stored"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--lmtp", action="store_true")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--defer-rcpt")
    parser.add_argument("--reject-rcpt")
    args = parser.parse_args()

    store = Store(args.dir)
    handler = Handler(store, args.defer_rcpt, args.reject_rcpt, args.lmtp)
    tls = None
    if args.tls_cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.tls_cert, args.tls_key)

    def factory():
        store.connected()
        if args.lmtp:
            return LMTP(handler, enable_SMTPUTF8=True, hostname="sink.test")
        return SMTP(handler, enable_SMTPUTF8=True, hostname="sink.test", tls_context=tls,
                    data_size_limit=64 * 1024 * 1024)

    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(factory, host="127.0.0.1", port=args.port))
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    print("sink listening on 127.0.0.1:%d" % args.port, flush=True)
    try:
        loop.run_forever()
    finally:
        server.close()


if __name__ == "__main__":
    main()
