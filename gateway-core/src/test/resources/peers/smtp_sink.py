"""A next-hop SMTP (or LMTP) server for integration tests, on loopback.

Every message received is stored raw, byte for byte as it arrived after dot-unstuffing, as
<dir>/<n>.eml with its envelope beside it in <n>.json; both appear atomically (written under a
temporary name, then renamed), so a test that polls the directory never sees half a message.
Each accepted connection is counted in <dir>/connections.

Usage: smtp_sink.py --port PORT --dir DIR [--lmtp] [--tls-cert C --tls-key K]
                    [--defer-rcpt SUBSTRING] [--reject-rcpt SUBSTRING]
                    [--pipelining] [--chunking] [--dsn] [--no-ehlo]
                    [--busy] [--hangup-after N] [--tls-broken] [--starttls-inject]

Extensions a plain aiosmtpd lacks, each off unless asked for:
  --pipelining     announce PIPELINING (aiosmtpd reads pipelined commands in order anyway)
  --chunking       announce CHUNKING and take BDAT (RFC 3030)
  --dsn            announce DSN and accept RET/ENVID on MAIL, NOTIFY/ORCPT on RCPT; they are
                   recorded as given (case kept) in mail_options / rcpt_options
  --no-ehlo        refuse EHLO with 502, as a pre-ESMTP server would (HELO still works)
  --busy           greet every connection with 421 and hang up
  --hangup-after N after N messages on one connection, hang up on the next command without
                   a reply, as a server that dropped an idle connection looks to its client
  --tls-broken     (with --tls-cert) answer STARTTLS with 220, then send no TLS but junk and
                   hang up: a handshake that fails
  --starttls-inject (with --tls-cert) send a second reply in clear right behind the 220 to
                   STARTTLS, as a man in the middle injecting commands would
"""
import argparse
import asyncio
import json
import os
import signal
import ssl
import threading

from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, syntax


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
            # How the content came: DATA, or BDAT chunks (--chunking).
            "transfer": "BDAT" if getattr(envelope, "bdat", None) is not None else "DATA",
        }
        self._atomic("%06d.eml" % n, envelope.original_content)
        self._atomic("%06d.json" % n, json.dumps(meta).encode())

    def connected(self):
        with self.lock:
            self.connections += 1
            self._atomic("connections", str(self.connections).encode())


class Handler:
    def __init__(self, store, defer, reject, lmtp, extensions=()):
        self.store = store
        self.defer = defer
        self.reject = reject
        self.lmtp = lmtp
        self.extensions = list(extensions)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        # Extra keywords go before the last line, which must stay "250 HELP".
        return responses[:-1] + ["250-" + e for e in self.extensions] + responses[-1:]

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.defer and self.defer in address:
            return "450 4.2.0 <%s>: mailbox busy, try later" % address
        if self.reject and self.reject in address:
            return "550 5.1.1 <%s>: no such user" % address
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.append(list(rcpt_options) + getattr(server, "pending_rcpt_dsn", []))
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server, session, envelope):
        server.messages = getattr(server, "messages", 0) + 1
        self.store.save(envelope)
        if self.lmtp:
            return "\r\n".join("250 2.0.0 <%s> delivered" % r for r in envelope.rcpt_tos)
        return "250 2.0.0 Ok: stored"


class Extras:
    """What the options add to aiosmtpd's SMTP and LMTP classes."""

    sink_options = None

    def _split_dsn(self, arg, names):
        if arg is None:
            return None, []
        kept, dsn = [], []
        for token in arg.split(" "):
            key = token.partition("=")[0].upper()
            (dsn if key in names and self.sink_options.dsn else kept).append(token)
        return " ".join(kept), [t for t in dsn if t]

    async def _handle_client(self):
        if self.sink_options.busy:
            await self.push("421 4.3.2 sink.test busy, try another server")
            self.transport.close()
            return
        await super()._handle_client()

    def _hang_up_now(self):
        limit = self.sink_options.hangup_after
        if limit and getattr(self, "messages", 0) >= limit:
            self.transport.close()
            return True
        return False

    async def smtp_EHLO(self, arg):
        if self.sink_options.no_ehlo:
            await self.push('502 5.5.1 Error: command "EHLO" not recognized')
            return
        await super().smtp_EHLO(arg)

    async def smtp_STARTTLS(self, arg):
        if self.sink_options.tls_broken:
            await self.push("220 2.0.0 Ready to start TLS")
            await self.push("this is not a TLS handshake")
            self.transport.close()
            return
        if self.sink_options.starttls_inject:
            await self.push("220 2.0.0 Ready to start TLS\r\n250 2.0.0 injected in clear")
        await super().smtp_STARTTLS(arg)

    async def smtp_RSET(self, arg):
        if self._hang_up_now():
            return
        await super().smtp_RSET(arg)

    async def smtp_MAIL(self, arg):
        if self._hang_up_now():
            return
        stripped, dsn = self._split_dsn(arg, ("RET", "ENVID"))
        await super().smtp_MAIL(stripped)
        if self.envelope.mail_from:
            self.envelope.mail_options.extend(dsn)

    async def smtp_RCPT(self, arg):
        stripped, dsn = self._split_dsn(arg, ("NOTIFY", "ORCPT"))
        self.pending_rcpt_dsn = dsn
        try:
            await super().smtp_RCPT(stripped)
        finally:
            self.pending_rcpt_dsn = []

    @syntax("BDAT size [LAST]")
    async def smtp_BDAT(self, arg):
        if not self.sink_options.chunking:
            await self.push('500 Error: command "BDAT" not recognized')
            return
        words = (arg or "").split()
        if not words or not words[0].isdigit() or len(words) > 2 or (
                len(words) == 2 and words[1].upper() != "LAST"):
            await self.push("501 5.5.4 Syntax: BDAT size [LAST]")
            return
        size, last = int(words[0]), len(words) == 2
        chunk = await self._reader.readexactly(size)
        if not self.envelope.rcpt_tos:
            await self.push("503 5.5.1 Error: need RCPT command")
            return
        buffered = getattr(self.envelope, "bdat", bytearray())
        buffered.extend(chunk)
        self.envelope.bdat = buffered
        if not last:
            await self.push("250 2.0.0 %d octets received" % size)
            return
        self.envelope.original_content = bytes(buffered)
        self.envelope.content = self.envelope.original_content
        status = await self._call_handler_hook("DATA")
        self._set_post_data_state()
        await self.push(status)


class SinkSMTP(Extras, SMTP):
    pass


class SinkLMTP(Extras, LMTP):
    pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--lmtp", action="store_true")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--defer-rcpt")
    parser.add_argument("--reject-rcpt")
    parser.add_argument("--pipelining", action="store_true")
    parser.add_argument("--chunking", action="store_true")
    parser.add_argument("--dsn", action="store_true")
    parser.add_argument("--no-ehlo", action="store_true")
    parser.add_argument("--busy", action="store_true")
    parser.add_argument("--hangup-after", type=int, default=0)
    parser.add_argument("--tls-broken", action="store_true")
    parser.add_argument("--starttls-inject", action="store_true")
    args = parser.parse_args()
    Extras.sink_options = args

    extensions = []
    if args.pipelining:
        extensions.append("PIPELINING")
    if args.chunking:
        extensions.append("CHUNKING")
    if args.dsn:
        extensions.append("DSN")
    store = Store(args.dir)
    handler = Handler(store, args.defer_rcpt, args.reject_rcpt, args.lmtp, extensions)
    tls = None
    if args.tls_cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.tls_cert, args.tls_key)

    def factory():
        store.connected()
        if args.lmtp:
            return SinkLMTP(handler, enable_SMTPUTF8=True, hostname="sink.test")
        return SinkSMTP(handler, enable_SMTPUTF8=True, hostname="sink.test", tls_context=tls,
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
