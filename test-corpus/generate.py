#!/usr/bin/env python3
"""Writes the test corpus: the .eml files beside this script.

Python 3 standard library only. The output is deterministic (fixed dates, boundaries and
message ids), so running it again changes nothing unless this script changed; commit both.

    python3 test-corpus/generate.py

Every file uses CRLF line ends, as the gateway's spool holds messages. README.md lists what
each file is for.
"""

import base64
import binascii
import io
import os
import quopri
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))

# The standard anti-virus test file (68 bytes) and the spam test string, as their makers define them.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
GTUBE = b"XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"
assert len(EICAR) == 68

DATE = "Mon, 06 Jan 2025 09:30:00 +0000"


def header(lines):
    """Header fields as text lines (already folded where wanted) to bytes."""
    return "".join(line + "\r\n" for line in lines).encode("ascii")


def envelope_header(subject, sender="Alice Example <alice@example.org>", to="Bob Example <bob@example.com>",
                    msgid="corpus", extra=()):
    return [
        "Return-Path: <alice@example.org>",
        "From: " + sender,
        "To: " + to,
        "Subject: " + subject,
        "Date: " + DATE,
        "Message-ID: <" + msgid + "@corpus.portcullis.example>",
        "MIME-Version: 1.0",
        *extra,
    ]


def crlf(text):
    """Text with any line ends to CRLF bytes (text is str or bytes)."""
    if isinstance(text, str):
        text = text.encode("utf-8")
    return text.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def b64(data):
    """Base64 in 76-char lines, CRLF, ending with a line end."""
    encoded = base64.encodebytes(data)
    return crlf(encoded)


def qp(data):
    return crlf(quopri.encodestring(data))


def uuencode(name, data):
    out = io.BytesIO()
    out.write(("begin 644 %s\n" % name).encode("ascii"))
    for i in range(0, len(data), 45):
        out.write(binascii.b2a_uu(data[i:i + 45], backtick=True))
    out.write(b"`\nend\n")
    return crlf(out.getvalue())


def part(headers, body):
    return header(headers) + b"\r\n" + body


def multipart(boundary, parts, preamble=b"", epilogue=b"", close=True):
    out = io.BytesIO()
    if preamble:
        out.write(preamble + b"\r\n")
    for p in parts:
        out.write(b"--" + boundary.encode() + b"\r\n")
        out.write(p)
        if not p.endswith(b"\r\n"):
            out.write(b"\r\n")
    if close:
        out.write(b"--" + boundary.encode() + b"--\r\n")
    out.write(epilogue)
    return out.getvalue()


def message(headers, body):
    return header(headers) + b"\r\n" + body


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


PLAIN_TEXT = crlf("Hi Bob,\n\nthe minutes of Friday's meeting are below.\n\n"
                  "1. Budget approved.\n2. Next meeting on the 20th.\n\nRegards,\nAlice\n")

HTML_TEXT = crlf("<!DOCTYPE html>\n<html>\n<head><title>Minutes</title></head>\n<body>\n"
                 "<p>Hi Bob,</p>\n<p>the minutes of Friday's meeting:</p>\n"
                 "<ol><li>Budget approved.</li><li>Next meeting on the 20th.</li></ol>\n"
                 "<p>Regards,<br>Alice</p>\n</body>\n</html>\n")


def clean():
    write("clean-plain.eml", message(
        envelope_header("Minutes of Friday's meeting", msgid="clean-plain",
                        extra=["Content-Type: text/plain; charset=us-ascii", "Content-Transfer-Encoding: 7bit"]),
        PLAIN_TEXT))
    write("clean-html.eml", message(
        envelope_header("Minutes of Friday's meeting (HTML)", msgid="clean-html",
                        extra=["Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: 7bit"]),
        HTML_TEXT))
    write("multipart-alternative.eml", message(
        envelope_header("Minutes, plain and HTML", msgid="alternative",
                        extra=['Content-Type: multipart/alternative; boundary="alt-1"']),
        multipart("alt-1", [
            part(["Content-Type: text/plain; charset=us-ascii", "Content-Transfer-Encoding: 7bit"], PLAIN_TEXT),
            part(["Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: quoted-printable"],
                 qp(HTML_TEXT.replace(b"\r\n", b"\n"))),
        ], preamble=b"This is a multi-part message in MIME format.")))


def invoice_phish():
    html = crlf("<html><body>\n<p>Dear customer,</p>\n"
                "<p>your invoice <b>#INV-20931</b> of EUR 1,920.00 is <b>overdue</b>.</p>\n"
                "<p>To avoid a late fee, review and pay it today: "
                '<a href="http://billing-portal.example.net/login?acct=8812">View invoice</a></p>\n'
                "<p>Accounts Receivable</p>\n</body></html>\n")
    text = crlf("Dear customer,\n\nyour invoice #INV-20931 of EUR 1,920.00 is overdue.\n"
                "Review and pay it today: http://billing-portal.example.net/login?acct=8812\n\n"
                "Accounts Receivable\n")
    write("invoice-phish.eml", message(
        envelope_header("Your Invoice #INV-20931 is overdue - action required",
                        sender='"Accounts Receivable" <billing@examp1e-payments.example>',
                        msgid="invoice-phish",
                        extra=["Reply-To: <collect@billing-portal.example.net>",
                               'Content-Type: multipart/alternative; boundary="phish-alt"']),
        multipart("phish-alt", [
            part(["Content-Type: text/plain; charset=us-ascii"], text),
            part(["Content-Type: text/html; charset=us-ascii"], html),
        ])))


def mixed(subject, msgid, body_text, attachments, boundary="mixed-1"):
    parts = [part(["Content-Type: text/plain; charset=us-ascii"], crlf(body_text))]
    parts.extend(attachments)
    return message(envelope_header(subject, msgid=msgid,
                                   extra=['Content-Type: multipart/mixed; boundary="%s"' % boundary]),
                   multipart(boundary, parts))


def eicar():
    write("eicar-plain.eml", mixed("Test file attached (plain)", "eicar-plain",
                                   "The anti-virus test file is attached as it is.\n", [
        part(["Content-Type: application/octet-stream; name=eicar.com",
              "Content-Transfer-Encoding: 7bit",
              "Content-Disposition: attachment; filename=eicar.com"], EICAR + b"\r\n"),
    ]))
    write("eicar-base64.eml", mixed("Test file attached (base64)", "eicar-base64",
                                    "The anti-virus test file is attached in base64.\n", [
        part(["Content-Type: application/octet-stream; name=\"eicar.com\"",
              "Content-Transfer-Encoding: base64",
              "Content-Disposition: attachment; filename=\"eicar.com\""], b64(EICAR)),
    ]))
    write("eicar-quoted-printable.eml", mixed("Test file attached (quoted-printable)", "eicar-qp",
                                              "The anti-virus test file is attached in quoted-printable.\n", [
        part(["Content-Type: application/octet-stream; name=\"eicar.com\"",
              "Content-Transfer-Encoding: quoted-printable",
              "Content-Disposition: attachment; filename=\"eicar.com\""], quopri.encodestring(EICAR) + b"=\r\n\r\n"),
    ]))
    write("eicar-uuencoded.eml", message(
        envelope_header("Test file uuencoded in the text", msgid="eicar-uu",
                        extra=["Content-Type: text/plain; charset=us-ascii"]),
        crlf("The anti-virus test file follows, uuencoded the old way.\n\n") + uuencode("eicar.com", EICAR)
        + crlf("\nThat was all.\n")))
    inner = message(
        ["From: Carol <carol@example.net>", "To: Alice <alice@example.org>", "Subject: The test file",
         "Date: " + DATE, "Message-ID: <inner-eicar@corpus.portcullis.example>", "MIME-Version: 1.0",
         'Content-Type: multipart/mixed; boundary="inner-1"'],
        multipart("inner-1", [
            part(["Content-Type: text/plain; charset=us-ascii"], crlf("Here it is.\n")),
            part(["Content-Type: application/octet-stream; name=\"eicar.com\"",
                  "Content-Transfer-Encoding: base64",
                  "Content-Disposition: attachment; filename=\"eicar.com\""], b64(EICAR)),
        ]))
    write("eicar-nested-message.eml", mixed("Fwd: The test file", "eicar-nested",
                                            "Forwarded as an attachment below.\n", [
        part(["Content-Type: message/rfc822", "Content-Disposition: attachment; filename=\"forwarded.eml\""], inner),
    ]))
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w", compression=zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("eicar.com", date_time=(2025, 1, 6, 9, 30, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, EICAR)
    write("eicar-zip.eml", mixed("Test file in a zip", "eicar-zip", "The anti-virus test file, zipped.\n", [
        part(["Content-Type: application/zip; name=\"eicar.zip\"",
              "Content-Transfer-Encoding: base64",
              "Content-Disposition: attachment; filename=\"eicar.zip\""], b64(zipped.getvalue())),
    ]))


def gtube():
    write("gtube.eml", message(
        envelope_header("Test spam mail (GTUBE)", msgid="gtube",
                        extra=["Content-Type: text/plain; charset=us-ascii"]),
        crlf("This is the GTUBE, the Generic Test for Unsolicited Bulk Email.\n\n") + GTUBE + b"\r\n"))


def disguised():
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8" + bytes(47) + \
          b"\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21\xb8\x01\x4c\xcd\x21This program cannot be run in DOS mode.\r\r\n$" + \
          bytes(64)
    write("disguised-exe-as-pdf.eml", mixed("Invoice attached", "disguised",
                                            "Please find the invoice attached.\n", [
        part(["Content-Type: application/pdf; name=\"invoice.pdf\"",
              "Content-Transfer-Encoding: base64",
              "Content-Disposition: attachment; filename=\"invoice.pdf\""], b64(exe)),
    ]))


def rfc2231():
    name = "Rechnung März 2025 – Übersicht und Zahlungsplan.pdf"
    # Each char alone or as its %XX octets, so that no continuation splits an octet.
    tokens = [c if c.isascii() and c.isalnum() or c in ".-_" else
              "".join("%%%02X" % b for b in c.encode("utf-8")) for c in name]
    pieces, piece = [], ""
    for token in tokens:
        if len(piece) + len(token) > 30:
            pieces.append(piece)
            piece = ""
        piece += token
    pieces.append(piece)
    disposition = ["Content-Disposition: attachment;"] + [
        " filename*%d*=%s%s%s" % (i, "utf-8''" if i == 0 else "", p, ";" if i < len(pieces) - 1 else "")
        for i, p in enumerate(pieces)]
    write("rfc2231-filename.eml", mixed("Long file name (RFC 2231)", "rfc2231",
                                        "An attachment whose name is split and encoded.\n", [
        part(["Content-Type: application/pdf", "Content-Transfer-Encoding: base64"] + disposition,
             b64(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")),
        part(['Content-Type: text/plain; charset=utf-8; name="=?UTF-8?Q?Notiz_f=C3=BCr_Bob.txt?="',
              "Content-Transfer-Encoding: 8bit", "Content-Disposition: attachment"],
             crlf("Notiz: bitte prüfen.\n")),
    ]))


def malformed():
    write("malformed-missing-end-boundary.eml", message(
        envelope_header("Missing closing boundary", msgid="no-end",
                        extra=['Content-Type: multipart/mixed; boundary="never-closed"']),
        multipart("never-closed", [
            part(["Content-Type: text/plain"], crlf("The first part.\n")),
            part(["Content-Type: application/octet-stream; name=\"eicar.com\"", "Content-Transfer-Encoding: base64",
                  "Content-Disposition: attachment; filename=\"eicar.com\""], b64(EICAR)),
        ], close=False)))
    good = base64.encodebytes(b"Readable text before the damage.\n").decode()
    write("malformed-bad-base64.eml", mixed("Broken base64", "bad-base64", "The attachment's base64 is broken.\n", [
        part(["Content-Type: text/plain; charset=us-ascii; name=\"broken.txt\"", "Content-Transfer-Encoding: base64",
              "Content-Disposition: attachment; filename=\"broken.txt\""],
             crlf(good + "!!!not*base64###\n" + "QUJD\n" + "QQ")),
    ]))
    write("malformed-header-without-colon.eml",
          header(["From: Alice Example <alice@example.org>",
                  "To: Bob Example <bob@example.com>",
                  "This line has no colon and is no header field",
                  "Subject: A header line without a colon",
                  "Date: " + DATE,
                  "Message-ID: <no-colon@corpus.portcullis.example>",
                  "MIME-Version: 1.0",
                  "Content-Type: text/plain; charset=us-ascii"])
          + b"\r\n" + crlf("The header section above has a line that is not a field.\n"))
    depth = 30
    body = part(["Content-Type: text/plain"], crlf("The innermost part, %d levels down.\n" % depth))
    for level in range(depth, 0, -1):
        b = "level-%d" % level
        body = part(['Content-Type: multipart/mixed; boundary="%s"' % b], multipart(b, [body]))
    write("deep-nesting.eml", header(envelope_header("Nested %d levels deep" % depth, msgid="deep")) + body)


def charsets():
    write("charset-utf8.eml", message(
        envelope_header("=?UTF-8?B?" + base64.b64encode("Grüße aus Köln – Überblick".encode("utf-8")).decode() + "?=",
                        sender="=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen@example.de>", msgid="utf8",
                        extra=["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"]),
        crlf("Hallo Bob,\n\nviele Grüße aus Köln. Der Überblick folgt.\n\nJürgen\n")))
    write("charset-iso-8859-1.eml", message(
        envelope_header("=?ISO-8859-1?Q?Caf=E9_cr=E8me_=E0_Paris?=", msgid="latin1",
                        extra=["Content-Type: text/plain; charset=ISO-8859-1",
                               "Content-Transfer-Encoding: quoted-printable"]),
        qp("Un café crème à Paris, s'il vous plaît.\n".encode("iso-8859-1"))))
    jp_subject = "会議の議事録"
    write("charset-shift-jis.eml", message(
        envelope_header("=?Shift_JIS?B?" + base64.b64encode(jp_subject.encode("shift_jis")).decode() + "?=",
                        msgid="sjis",
                        extra=["Content-Type: text/plain; charset=Shift_JIS", "Content-Transfer-Encoding: base64"]),
        b64("ボブさん、\n会議の議事録を送ります。\n".replace("\n", "\r\n").encode("shift_jis"))))
    ru_subject = "Отчёт за январь"
    write("charset-koi8-r.eml", message(
        envelope_header("=?KOI8-R?B?" + base64.b64encode(ru_subject.encode("koi8-r")).decode() + "?=",
                        msgid="koi8r",
                        extra=["Content-Type: text/plain; charset=KOI8-R", "Content-Transfer-Encoding: 8bit"]),
        crlf("Привет, Боб!\nОтчёт за январь во вложении.\n".encode("koi8-r"))))
    write("charset-mixed-encoded-words.eml", message(
        envelope_header("=?UTF-8?Q?Caf=C3=A9?= and =?ISO-8859-1?B?" + base64.b64encode("Crème".encode("iso-8859-1")).decode()
                        + "?=\r\n =?UTF-8?B?" + base64.b64encode(" – Menü".encode("utf-8")).decode() + "?=",
                        msgid="mixed-words",
                        extra=["Content-Type: text/plain; charset=us-ascii"]),
        crlf("The subject mixes Q and B encoded words, folded over two lines.\n")))


def main():
    clean()
    invoice_phish()
    eicar()
    gtube()
    disguised()
    rfc2231()
    malformed()
    charsets()


if __name__ == "__main__":
    main()
