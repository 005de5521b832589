"""A load client for integration tests: sends generated messages to an SMTP server on
loopback and records, for each message, what the server answered.

Three ways of sending, taken in turn per message unless --mode is given:
  smtplib    Python's smtplib (one transaction at a time, DATA)
  pipelined  MAIL, RCPT and DATA written in one go (RFC 2920), then the dot-stuffed body
  bdat       MAIL and RCPT pipelined, then the body in BDAT chunks (RFC 3030)

Each message carries "X-Test-Id: <id>" and is saved as sent under <out>/sent/<id>.eml (before
dot-stuffing); one JSON line per message goes to <out>/results.jsonl as soon as it is known:
{"id", "mode", "size", "code", "reply", "queue_id"} — code is null when the connection failed.

Usage: smtp_load.py --port P --out DIR --count N [--concurrency C] [--min-size B]
                    [--max-size B] [--sizes B,B,...] [--mode M] [--seed S]
                    [--sender A] [--rcpt A] [--per-connection K]
"""
import argparse
import json
import os
import random
import re
import smtplib
import socket
import threading

QUEUED = re.compile(r"queued as ([0-9A-Z]+)")


def make_message(test_id, size, rng, sender, rcpt):
    head = ("From: <%s>\r\nTo: <%s>\r\nSubject: load test %s\r\nMessage-ID: <%s@load.test>\r\n"
            "X-Test-Id: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
            % (sender, rcpt, test_id, test_id, test_id)).encode()
    lines = []
    total = len(head)
    # Lines that need dot-stuffing, and one that looks like an end of data, on purpose.
    specials = [b".", b"..", b".leading dot", b"..two dots", b"From the start", b""]
    i = 0
    while total < size:
        if i % 7 == 3:
            line = specials[rng.randrange(len(specials))]
        else:
            n = rng.randrange(0, 120)
            line = bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz .,-0123456789") for _ in range(n))
        lines.append(line)
        total += len(line) + 2
        i += 1
    return head + b"\r\n".join(lines) + b"\r\n"


def dot_stuff(body):
    out = b"\r\n".join((b"." + l) if l.startswith(b".") else l for l in body.split(b"\r\n"))
    return out


class Raw:
    """A minimal ESMTP client over a socket, for pipelining and BDAT."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        self.buf = b""
        self.reply()
        self.sock.sendall(b"EHLO load.test\r\n")
        self.reply()

    def reply(self):
        lines = []
        while True:
            while b"\r\n" not in self.buf:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise ConnectionError("connection closed by server")
                self.buf += chunk
            line, self.buf = self.buf.split(b"\r\n", 1)
            lines.append(line.decode("utf-8", "replace"))
            if len(line) < 4 or line[3:4] != b"-":
                return int(lines[-1][:3]), "\n".join(lines)

    def send(self, sender, rcpt, message, mode):
        if mode == "pipelined":
            self.sock.sendall(b"MAIL FROM:<%s>\r\nRCPT TO:<%s>\r\nDATA\r\n" % (sender.encode(), rcpt.encode()))
            replies = [self.reply() for _ in range(3)]
            if replies[2][0] != 354:
                return replies[-1] if replies[1][0] < 400 else replies[1]
            self.sock.sendall(dot_stuff(message) + b".\r\n")
            return self.reply()
        self.sock.sendall(b"MAIL FROM:<%s>\r\nRCPT TO:<%s>\r\n" % (sender.encode(), rcpt.encode()))
        replies = [self.reply() for _ in range(2)]
        if replies[0][0] >= 400 or replies[1][0] >= 400:
            self.sock.sendall(b"RSET\r\n")
            self.reply()
            return replies[0] if replies[0][0] >= 400 else replies[1]
        chunk = 65536
        for start in range(0, len(message), chunk):
            part = message[start:start + chunk]
            last = start + chunk >= len(message)
            self.sock.sendall(b"BDAT %d%s\r\n" % (len(part), b" LAST" if last else b"") + part)
            code, text = self.reply()
            if last or code >= 400:
                return code, text
        return 0, "empty message"

    def close(self):
        try:
            self.sock.sendall(b"QUIT\r\n")
            self.reply()
        except (OSError, ConnectionError):
            pass
        self.sock.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--concurrency", type=int, default=4)
    p.add_argument("--sizes", help="comma-separated sizes in bytes, cycled; overrides min/max")
    p.add_argument("--min-size", type=int, default=1024)
    p.add_argument("--max-size", type=int, default=10240)
    p.add_argument("--mode", choices=["smtplib", "pipelined", "bdat", "mixed"], default="mixed")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--sender", default="load@sender.test")
    p.add_argument("--rcpt", default="someone@example.com")
    p.add_argument("--per-connection", type=int, default=5)
    args = p.parse_args()

    sent_dir = os.path.join(args.out, "sent")
    os.makedirs(sent_dir, exist_ok=True)
    results = open(os.path.join(args.out, "results.jsonl"), "a")
    lock = threading.Lock()
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else None
    modes = ["smtplib", "pipelined", "bdat"] if args.mode == "mixed" else [args.mode]
    next_index = [0]

    def take():
        with lock:
            if next_index[0] >= args.count:
                return None
            next_index[0] += 1
            return next_index[0] - 1

    def record(entry):
        with lock:
            results.write(json.dumps(entry) + "\n")
            results.flush()

    def worker(w):
        rng = random.Random(args.seed * 1000 + w)
        while True:
            batch = []
            for _ in range(args.per_connection):
                i = take()
                if i is None:
                    break
                batch.append(i)
            if not batch:
                return
            mode = modes[batch[0] % len(modes)]
            client = None
            for i in batch:
                test_id = "t-%05d" % i
                size = sizes[i % len(sizes)] if sizes else rng.randint(args.min_size, args.max_size)
                message = make_message(test_id, size, rng, args.sender, args.rcpt)
                with open(os.path.join(sent_dir, test_id + ".eml"), "wb") as f:
                    f.write(message)
                entry = {"id": test_id, "mode": mode, "size": len(message), "code": None,
                         "reply": None, "queue_id": None}
                try:
                    if mode == "smtplib":
                        if client is None:
                            client = smtplib.SMTP("127.0.0.1", args.port, local_hostname="load.test", timeout=60)
                        try:
                            client.sendmail(args.sender, [args.rcpt], message)
                            code, text = 250, client.last_data_reply
                        except smtplib.SMTPResponseException as e:
                            code, text = e.smtp_code, e.smtp_error.decode("utf-8", "replace")
                        except smtplib.SMTPRecipientsRefused as e:
                            code, text = list(e.recipients.values())[0][0], "recipient refused"
                    else:
                        if client is None:
                            client = Raw(args.port)
                        code, text = client.send(args.sender, args.rcpt, message, mode)
                    entry["code"], entry["reply"] = code, text
                    m = QUEUED.search(text or "")
                    entry["queue_id"] = m.group(1) if m else None
                except (OSError, ConnectionError, smtplib.SMTPException) as e:
                    entry["reply"] = "%s: %s" % (type(e).__name__, e)
                    client = None
                record(entry)
            if client is not None:
                if isinstance(client, smtplib.SMTP):
                    try:
                        client.quit()
                    except (OSError, smtplib.SMTPException):
                        pass
                else:
                    client.close()

    # smtplib does not keep the DATA reply text; remember it.
    original_data = smtplib.SMTP.data

    def data_keeping_reply(self, msg):
        code, text = original_data(self, msg)
        self.last_data_reply = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
        return code, text

    smtplib.SMTP.data = data_keeping_reply

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(args.concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    results.close()


if __name__ == "__main__":
    main()
