"""Self-signed certificates for the gateway's TLS, made by the openssl command (Debian's
openssl package, a test dependency): clients of such a gateway use
raw_http.insecure_tls_context()."""

import os
import subprocess


def make_self_signed_certificate(directory, name="gateway"):
    """(certificate path, key path) of a new RSA key and a certificate for CN=localhost,
    valid two days, written into `directory` as NAME-cert.pem and NAME-key.pem."""
    certificate = os.path.join(directory, name + "-cert.pem")
    key = os.path.join(directory, name + "-key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-keyout", key, "-out", certificate],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return certificate, key
