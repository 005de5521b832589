#!/usr/bin/python3
"""Verifies the DKIM signatures of the message on standard input with python3-dkim (dkimpy),
taking the public key from an opendkim-genkey TXT file instead of DNS.

usage: dkim_verify.py SELECTOR._domainkey.DOMAIN KEYFILE.txt < message.eml
exit 0 and "valid" when a signature verifies; exit 1 and "invalid" otherwise
"""
import re
import sys

import dkim

name, keyfile = sys.argv[1], sys.argv[2]
record = ''.join(re.findall(r'"([^"]*)"', open(keyfile).read())).encode()


def dns(qname, timeout=5):
    return record if qname.decode().rstrip('.') == name else None


message = sys.stdin.buffer.read()
ok = dkim.verify(message, dnsfunc=dns)
print('valid' if ok else 'invalid')
sys.exit(0 if ok else 1)
