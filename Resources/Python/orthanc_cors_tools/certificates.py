# SPDX-License-Identifier: AGPL-3.0-or-later
"""Self-signed certificates for the gateway's TLS, made by the openssl command (Debian's
openssl package, a test dependency): clients of such a gateway use
raw_http.insecure_tls_context()."""

import os
import subprocess


def make_self_signed_certificate(directory, name="gateway", key_type="rsa"):
    """(certificate path, key path) of a new key ("rsa": RSA 2048, "ec": ECDSA P-256) and a
    certificate for CN=localhost (also its subjectAltName, with 127.0.0.1), valid two days,
    written into `directory` as NAME-cert.pem and NAME-key.pem."""
    certificate = os.path.join(directory, name + "-cert.pem")
    key = os.path.join(directory, name + "-key.pem")
    new_key = {"rsa": ["-newkey", "rsa:2048"],
               "ec": ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]}[key_type]
    subprocess.run(["openssl", "req", "-x509"] + new_key +
                   ["-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", certificate],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return certificate, key
