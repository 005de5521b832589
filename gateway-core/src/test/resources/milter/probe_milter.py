#!/usr/bin/python3
"""A libmilter milter (python3-milter) for Portcullis' milter client tests.

At end of message it reports what it was told (macros, header values exactly as received) in
an X-Seen header, adds X-Probe, replaces the body and adds a recipient with parameters. It
refuses the recipient <blocked@example.com> at RCPT, hangs at MAIL for a sender starting with
hang@, and sends progress while working slowly on a message with the subject "slow".

usage: probe_milter.py SOCKET   (inet:PORT@127.0.0.1 or unix:/path)
"""
import json
import sys
import time

import Milter

MACROS = ['j', '{daemon_name}', 'v', '_', '{client_addr}', '{client_name}', '{client_port}', 'i',
          '{auth_authen}', '{mail_addr}', '{rcpt_addr}']


class Probe(Milter.Base):

    def __init__(self):
        self.seen = {}
        self.headers = []
        self.received = b''

    def connect(self, hostname, family, hostaddr):
        self.seen['connect'] = [hostname, str(family), list(hostaddr) if isinstance(hostaddr, tuple) else hostaddr]
        self.seen['connect_macros'] = {m: self.getsymval(m) for m in MACROS[:7] if self.getsymval(m) is not None}
        return Milter.CONTINUE

    def envfrom(self, sender, *params):
        if sender.startswith('<hang@'):
            time.sleep(3)
        self.seen['mail'] = [sender] + list(params)
        self.seen['mail_macros'] = {m: self.getsymval(m) for m in MACROS if self.getsymval(m) is not None}
        return Milter.CONTINUE

    def envrcpt(self, recipient, *params):
        if recipient == '<blocked@example.com>':
            self.setreply('550', '5.7.1', 'no such user here')
            return Milter.REJECT
        self.seen.setdefault('rcpt', []).append(recipient)
        return Milter.CONTINUE

    def header(self, name, value):
        self.headers.append([name, value])
        return Milter.CONTINUE

    def eoh(self):
        return Milter.CONTINUE

    def body(self, chunk):
        self.received += chunk
        return Milter.CONTINUE

    def eom(self):
        subject = [v for n, v in self.headers if n.lower() == 'subject']
        if subject and subject[0].strip() == 'slow':
            for _ in range(6):
                self.progress()
                time.sleep(0.3)
        self.seen['headers'] = self.headers
        self.seen['body_bytes'] = len(self.received)
        self.addheader('X-Seen', json.dumps(self.seen, sort_keys=True))
        self.addheader('X-Probe', 'added')
        self.replacebody(b'replaced by the probe\r\n')
        self.addrcpt('<extra@example.com>', 'NOTIFY=NEVER')
        return Milter.CONTINUE

    def abort(self):
        self.headers = []
        self.received = b''
        return Milter.CONTINUE


if __name__ == '__main__':
    Milter.factory = Probe
    Milter.set_flags(Milter.ADDHDRS | Milter.CHGBODY | Milter.ADDRCPT | Milter.ADDRCPT_PAR)
    sys.stdout.write('probe milter on %s\n' % sys.argv[1])
    sys.stdout.flush()
    Milter.runmilter('probe', sys.argv[1], 240)
