# SPDX-License-Identifier: AGPL-3.0-or-later
"""Folders served on Orthanc's own port (Cors.Folders with a prefix other than "/"),
through the plugin's REST callback, against a real Orthanc: MIME types, ETag and
304, cache lifetimes by file name, precompressed siblings (and how they get along
with Orthanc's own HttpCompressionEnabled), single-page fallback, cross-origin
isolation, and no file outside the folder, whatever the spelling of the path.
Hidden files (issue 30, finding 3) and cache lifetimes (finding 5) on both ports,
Orthanc's and the gateway's, in a "Public" folder: HiddenFilesAndCacheLifetimesOnBothPorts.

Measured with Orthanc 1.10.1 and 1.13.0 (what these tests rely on):
- civetweb percent-decodes the path once, then removes dot segments and merges
  slashes, before Orthanc routes it: "/viewer/%2e%2e/x" and "/viewer/..%2fx" arrive
  as "/x" (another Orthanc route, never our callback); "%5c" becomes "/"; "%00" cuts
  the path; "%252e" arrives as "%2e"; a final "/" is dropped before the callback.
- HEAD (like OPTIONS and PROPFIND) goes to Orthanc's WebDAV branch and never reaches
  a plugin's REST callback: 404 unless a WebDAV bucket matches.
- OrthancPluginAnswerBuffer compresses on the fly (gzip, else deflate) when the
  client accepts it and HttpCompressionEnabled is true (the default up to 1.12.1,
  false since 1.12.2; since then only textual types of 2 KiB or more), whatever
  Content-Encoding the plugin set.
- Since 1.12.2, OrthancPluginSendHttpStatus adds "Content-Type: text/plain" to a
  body whose type AnswerBuffer did not set: with compression on, such an Orthanc
  cannot send a precompressed sibling with one Content-Type, so the plugin serves
  the originals there and Orthanc compresses them (the gateway serves siblings).
The classes set HttpCompressionEnabled explicitly, so that both versions run the
same configuration.
"""

import gzip
import os
import shutil
import tempfile
import time
import zlib

from orthanc_cors_tools.orthanc import orthanc_at_least, wait_until_http_ready
from orthanc_cors_tools.raw_http import free_port
from orthanc_cors_tools.testing import OrthancTestCase

ALLOWED_ORIGIN = "http://localhost:3000"
FOREIGN_ORIGIN = "https://evil.example"

INDEX = b"<!doctype html><html><head><title>viewer</title></head><body>viewer</body></html>\n"
HASHED_NAME = "app.0123456789abcdef.bundle.js"
HASHED = b"/* hashed bundle */\n" + b"console.log('bundle');\n" * 200
APP_CONFIG = b"window.config = { routerBasename: '/viewer' };\n"
WASM = b"\x00asm\x01\x00\x00\x00"
FILE_JS = b"/* precompressed */\n" + b"console.log('file');\n" * 300
FILE_JS_BROTLI = b"not really brotli, but only the client decodes it"
# A type every Orthanc with HttpCompressionEnabled compresses (since 1.12.2 only
# JSON, XML, PDF, CSS, HTML, "application/javascript", text and WebAssembly, of
# 2 KiB or more: not text/javascript), without a sibling.
THEME_CSS = b"/* theme */\n" + b".viewport { color: #fff; }\n" * 200
SECRET = b"TOP-SECRET-OUTSIDE-THE-FOLDER\n"
PASSWD_MARKER = b"root:x:0:0"
# Inside the folder, but hidden: a checkout's .git, a web server's password file.
GIT_CONFIG = b'[remote "origin"]\n\turl = https://deploy:TOP-SECRET-TOKEN@git.example/viewer.git\n'
HTPASSWD = b"admin:$apr1$TOP-SECRET-HASH\n"
WELL_KNOWN = b"Contact: mailto:security@hospital.example\n"
HIDDEN_PATHS = (".git/config", ".htpasswd", "%2egit/config", "%2Ehtpasswd", ".git/", ".git")
# Names a browser must not keep for a year (before: "immutable" for the three of them).
DATED_NAMES = ("report-20240101a.pdf", "export-20240115b.json", "cafe1234.html")


def write(path, content):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as output:
        output.write(content)


def make_viewer_tree(root):
    """root/viewer: the served folder; root/secret.txt and root/viewer-secret/: outside it."""
    viewer = os.path.join(root, "viewer")
    write(os.path.join(viewer, "index.html"), INDEX)
    write(os.path.join(viewer, HASHED_NAME), HASHED)
    write(os.path.join(viewer, "app-config.js"), APP_CONFIG)
    write(os.path.join(viewer, "decoder.wasm"), WASM)
    write(os.path.join(viewer, "file.js"), FILE_JS)
    write(os.path.join(viewer, "file.js.gz"), gzip.compress(FILE_JS, mtime=0))
    write(os.path.join(viewer, "file.js.br"), FILE_JS_BROTLI)
    write(os.path.join(viewer, "theme.css"), THEME_CSS)
    write(os.path.join(viewer, "sub", "page.html"), b"<p>sub page</p>\n")
    write(os.path.join(viewer, "sub", "data.json"), b'{"answer": 42}\n')
    write(os.path.join(viewer, "%41.txt"), b"a file whose name holds a percent sign\n")
    write(os.path.join(viewer, "A.txt"), b"the letter A\n")
    write(os.path.join(viewer, ".git", "config"), GIT_CONFIG)
    write(os.path.join(viewer, ".htpasswd"), HTPASSWD)
    write(os.path.join(viewer, ".well-known", "x"), WELL_KNOWN)
    for name in DATED_NAMES:
        write(os.path.join(viewer, name), b"dated content of " + name.encode() + b"\n")
    os.symlink("/etc/passwd", os.path.join(viewer, "passwd.js"))
    os.symlink(os.path.join(root, "secret.txt"), os.path.join(viewer, "secret-link.txt"))
    os.symlink("file.js", os.path.join(viewer, "inside-link.js"))
    write(os.path.join(root, "secret.txt"), SECRET)
    write(os.path.join(root, "viewer-secret", "secret.txt"), SECRET)
    plain = os.path.join(root, "plain")
    write(os.path.join(plain, "index.html"), INDEX)
    write(os.path.join(plain, "style.css"), b"body { margin: 0 }\n")
    return viewer, plain


class FolderTestCase(OrthancTestCase):

    @classmethod
    def make_folders(cls):
        cls.root = tempfile.mkdtemp(prefix="orthanc-cors-folders-")
        cls.addClassCleanup(shutil.rmtree, cls.root, True)
        cls.viewer, cls.plain = make_viewer_tree(cls.root)

    @classmethod
    def folders_configuration(cls):
        return {
            "/viewer": {"Path": cls.viewer, "SinglePageApplication": True, "CrossOriginIsolation": "require-corp"},
            "/plain": {"Path": cls.plain},
        }

    def get(self, path, headers=None):
        return self.orthanc.request("GET", path, headers=headers)

    def assertServedFromTheFolder(self, response, content):
        self.assertEqual(response.status, 200, response)
        self.assertEqual(response.body, content)

    def assertNothingFromOutside(self, response):
        self.assertNotIn(PASSWD_MARKER, response.body)
        self.assertNotIn(SECRET.strip(), response.body)


class FoldersOnOrthancPort(FolderTestCase):

    @classmethod
    def setUpClass(cls):
        cls.make_folders()
        cls.orthanc = cls.start_class_orthanc(cors={
            "AllowedOrigins": [ALLOWED_ORIGIN],
            "Gateway": {"Enable": False},
            "Folders": cls.folders_configuration(),
        }, extra_configuration={"HttpCompressionEnabled": True})

    # ---- MIME types ---------------------------------------------------------------------

    def test_mime_types_follow_the_extension(self):
        expected = {
            "/viewer/index.html": "text/html",
            "/viewer/" + HASHED_NAME: "text/javascript",
            "/viewer/decoder.wasm": "application/wasm",
            "/viewer/sub/data.json": "application/json",
            "/plain/style.css": "text/css",
        }
        for (path, mime) in expected.items():
            with self.subTest(path=path):
                response = self.get(path)
                self.assertEqual(response.status, 200, response)
                self.assertEqual(response.header("Content-Type").split(";")[0].strip(), mime)

    def test_served_files_are_marked_nosniff(self):
        self.assertEqual(self.get("/viewer/decoder.wasm").header("X-Content-Type-Options"), "nosniff")

    def test_folder_root_serves_index_html(self):
        for path in ("/viewer/", "/viewer"):
            with self.subTest(path=path):
                self.assertServedFromTheFolder(self.get(path), INDEX)

    def test_file_in_a_subfolder_is_served(self):
        self.assertServedFromTheFolder(self.get("/viewer/sub/page.html"), b"<p>sub page</p>\n")

    def test_symbolic_link_inside_the_folder_is_followed(self):
        self.assertServedFromTheFolder(self.get("/viewer/inside-link.js"), FILE_JS)

    def test_percent_escapes_are_decoded_exactly_once(self):
        # Orthanc hands the callback "/viewer/%41.txt": the name of a file, not "A.txt".
        self.assertServedFromTheFolder(self.get("/viewer/%2541.txt"), b"a file whose name holds a percent sign\n")
        self.assertServedFromTheFolder(self.get("/viewer/%41.txt"), b"the letter A\n")

    def test_unsafe_methods_on_a_folder_are_405(self):
        for method in ("POST", "PUT", "DELETE"):
            with self.subTest(method=method):
                response = self.orthanc.request(method, "/viewer/index.html", body=b"x")
                self.assertEqual(response.status, 405, response)
                self.assertIn("GET", response.header("Allow"))

    # ---- ETag and 304 -------------------------------------------------------------------

    def test_if_none_match_with_the_etag_gives_304_without_body(self):
        first = self.get("/viewer/index.html")
        etag = first.header("ETag")
        self.assertTrue(etag and etag.startswith('"') and etag.endswith('"'), first.headers)
        second = self.get("/viewer/index.html", {"If-None-Match": etag})
        self.assertEqual(second.status, 304, second)
        self.assertEqual(second.body, b"")
        self.assertEqual(second.header("ETag"), etag)
        self.assertEqual(second.header("Cache-Control"), "no-cache")

    def test_if_none_match_with_another_etag_gives_the_file(self):
        response = self.get("/viewer/index.html", {"If-None-Match": '"not-this-one", W/"nor-this"'})
        self.assertServedFromTheFolder(response, INDEX)

    def test_changed_file_is_served_with_its_new_content_and_a_new_etag(self):
        path = os.path.join(self.viewer, "changing.txt")
        write(path, b"first version\n")
        first = self.get("/viewer/changing.txt")
        self.assertServedFromTheFolder(first, b"first version\n")
        write(path, b"second, longer version\n")
        os.utime(path, (time.time() + 5, time.time() + 5))
        second = self.get("/viewer/changing.txt", {"If-None-Match": first.header("ETag")})
        self.assertServedFromTheFolder(second, b"second, longer version\n")
        self.assertNotEqual(second.header("ETag"), first.header("ETag"))

    # ---- Cache-Control --------------------------------------------------------------------

    def test_content_hashed_file_is_immutable_for_a_year(self):
        response = self.get("/viewer/" + HASHED_NAME)
        self.assertServedFromTheFolder(response, HASHED)
        self.assertEqual(response.header("Cache-Control"), "public, max-age=31536000, immutable")

    def test_index_html_and_app_config_are_always_revalidated(self):
        for path in ("/viewer/index.html", "/viewer/app-config.js", "/viewer/"):
            with self.subTest(path=path):
                self.assertEqual(self.get(path).header("Cache-Control"), "no-cache")

    def test_dated_names_are_revalidated_with_their_etag(self):
        for name in DATED_NAMES:
            with self.subTest(name=name):
                response = self.get("/viewer/" + name)
                self.assertEqual(response.status, 200, response)
                self.assertEqual(response.header("Cache-Control"), "no-cache")
                revalidated = self.get("/viewer/" + name, {"If-None-Match": response.header("ETag")})
                self.assertEqual(revalidated.status, 304, revalidated)

    # ---- precompressed siblings -----------------------------------------------------------

    def test_original_is_served_without_accept_encoding(self):
        response = self.get("/viewer/file.js")
        self.assertServedFromTheFolder(response, FILE_JS)
        self.assertEqual(response.header_values("Content-Encoding"), [])
        self.assertIn("accept-encoding", response.header("Vary").lower())

    def test_precompressed_file_has_one_content_type_and_one_encoding_with_orthanc_compression_on(self):
        # Orthanc 1.10 sends the siblings as they are; 1.12.2 and later would type them
        # text/plain a second time, so there the original goes, which 1.12.2 and later
        # do not compress either (text/javascript is not in their list).
        siblings_sent = not orthanc_at_least(1, 12, 2)
        for accepted in ("gzip", "gzip, deflate, br", "br"):
            with self.subTest(accepted=accepted):
                response = self.get("/viewer/file.js", {"Accept-Encoding": accepted})
                self.assertEqual(response.status, 200, response)
                self.assertEqual([value.split(";")[0] for value in response.header_values("Content-Type")],
                                 ["text/javascript"])
                self.assertIn("accept-encoding", response.header("Vary").lower())
                encodings = response.header_values("Content-Encoding")
                if not siblings_sent:
                    self.assertEqual((encodings, response.body), ([], FILE_JS))
                elif "br" in accepted:
                    self.assertEqual((encodings, response.body), (["br"], FILE_JS_BROTLI))
                else:
                    self.assertEqual(encodings, ["gzip"])
                    self.assertEqual(gzip.decompress(response.body), FILE_JS)

    def test_error_body_has_one_content_type(self):
        response = self.get("/viewer/missing.0123456789abcdef.js")
        self.assertEqual(response.status, 404, response)
        self.assertEqual([value.split(";")[0] for value in response.header_values("Content-Type")], ["text/plain"])

    def test_orthanc_compresses_a_file_without_sibling_once_when_compression_is_enabled(self):
        for (accepted, decompress) in (("gzip", gzip.decompress),
                                       ("deflate", zlib.decompress)):
            with self.subTest(accepted=accepted):
                response = self.get("/viewer/theme.css", {"Accept-Encoding": accepted})
                self.assertEqual(response.status, 200, response)
                self.assertEqual(response.header_values("Content-Encoding"), [accepted])
                self.assertEqual(decompress(response.body), THEME_CSS)

    # ---- single-page fallback ---------------------------------------------------------

    def test_navigation_to_a_client_side_route_gets_index_html(self):
        for headers in ({"Sec-Fetch-Mode": "navigate", "Accept": "text/html"},
                        {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
                        {"Sec-Fetch-Mode": "navigate"}):
            with self.subTest(headers=headers):
                response = self.get("/viewer/viewer?StudyInstanceUIDs=1.2.3", headers)
                self.assertServedFromTheFolder(response, INDEX)
                self.assertEqual(response.header("Content-Type").split(";")[0], "text/html")
                self.assertEqual(response.header("Cache-Control"), "no-cache")
                self.assertIn("sec-fetch-mode", response.header("Vary").lower())

    def test_missing_asset_is_404_even_for_a_navigation(self):
        for headers in ({}, {"Sec-Fetch-Mode": "navigate", "Accept": "text/html"}):
            with self.subTest(headers=headers):
                response = self.get("/viewer/missing.0123456789abcdef.js", headers)
                self.assertEqual(response.status, 404, response)
                self.assertNotIn(b"viewer</body>", response.body)

    def test_route_without_navigation_headers_is_404(self):
        # fetch() of a missing resource must fail, not get the application's HTML.
        for headers in ({}, {"Accept": "application/json"},
                        {"Sec-Fetch-Mode": "cors", "Accept": "text/html"}):
            with self.subTest(headers=headers):
                self.assertEqual(self.get("/viewer/studies/list", headers).status, 404)

    def test_folder_without_single_page_application_has_no_fallback(self):
        response = self.get("/plain/some/route", {"Sec-Fetch-Mode": "navigate", "Accept": "text/html"})
        self.assertEqual(response.status, 404, response)

    # ---- cross-origin isolation and CORS ------------------------------------------------

    def test_require_corp_folder_sends_coop_coep_and_one_corp(self):
        for path in ("/viewer/index.html", "/viewer/" + HASHED_NAME, "/viewer/decoder.wasm"):
            with self.subTest(path=path):
                response = self.get(path)
                self.assertEqual(response.header("Cross-Origin-Opener-Policy"), "same-origin")
                self.assertEqual(response.header("Cross-Origin-Embedder-Policy"), "require-corp")
                self.assertEqual(len(response.header_values("Cross-Origin-Resource-Policy")), 1, response.headers)

    def test_isolation_headers_also_go_on_the_single_page_fallback_and_304(self):
        fallback = self.get("/viewer/viewer", {"Sec-Fetch-Mode": "navigate"})
        self.assertEqual(fallback.header("Cross-Origin-Embedder-Policy"), "require-corp")
        revalidated = self.get("/viewer/index.html", {"If-None-Match": fallback.header("ETag")})
        self.assertEqual(revalidated.status, 304, revalidated)
        self.assertEqual(revalidated.header("Cross-Origin-Opener-Policy"), "same-origin")

    def test_folder_without_isolation_sends_no_coop_or_coep(self):
        response = self.get("/plain/index.html")
        self.assertServedFromTheFolder(response, INDEX)
        self.assertIsNone(response.header("Cross-Origin-Opener-Policy"))
        self.assertIsNone(response.header("Cross-Origin-Embedder-Policy"))

    def test_allowed_origin_gets_access_control_allow_origin_on_a_folder(self):
        # A served folder is a default route: an allowed viewer may read its files.
        response = self.get("/viewer/app-config.js", {"Origin": ALLOWED_ORIGIN})
        self.assertServedFromTheFolder(response, APP_CONFIG)
        self.assertEqual(response.header_values("Access-Control-Allow-Origin"), [ALLOWED_ORIGIN])
        self.assertIn("origin", response.header("Vary").lower())

    def test_foreign_origin_gets_no_access_control_allow_origin_on_a_folder(self):
        response = self.get("/viewer/app-config.js", {"Origin": FOREIGN_ORIGIN})
        self.assertEqual(response.header_values("Access-Control-Allow-Origin"), [])
        self.assertIn("origin", response.header("Vary").lower())

    # ---- HEAD -------------------------------------------------------------------------

    def test_head_is_answered_like_get_without_body_or_refused_by_orthancs_webdav_branch(self):
        response = self.orthanc.request("HEAD", "/viewer/index.html")
        if response.status == 404:
            # Orthanc 1.10.1 and 1.13.0 send HEAD to WebDAV, never to plugin callbacks:
            # a 404 without anything from the folder; the gateway answers HEAD.
            self.orthanc.wait_for_log(r"WebDAV request: HEAD /viewer/index\.html")
            self.assertEqual(response.body, b"")
            self.assertIsNone(response.header("ETag"))
            return
        get = self.get("/viewer/index.html")
        self.assertEqual(response.status, 200, response)
        self.assertEqual(response.body, b"")
        for name in ("Content-Type", "ETag", "Cache-Control", "Cross-Origin-Embedder-Policy"):
            self.assertEqual(response.header(name), get.header(name), name)

    # ---- no path escapes the folder -----------------------------------------------------

    def test_traversal_spellings_never_serve_a_file_from_outside_the_folder(self):
        spellings = [
            "/viewer/../system",
            "/viewer/../secret.txt",
            "/viewer/../../../../etc/passwd",
            "/viewer/%2e%2e/%2e%2e/etc/passwd",
            "/viewer/%2E%2e/secret.txt",
            "/viewer/.%2e/secret.txt",
            "/viewer/..%2f..%2fetc%2fpasswd",
            "/viewer/..%2Fsecret.txt",
            "/viewer/..%5c..%5cetc%5cpasswd",
            "/viewer/..%5csecret.txt",
            "/viewer/..\\secret.txt",
            "/viewer/%252e%252e/",
            "/viewer/%252e%252e/secret.txt",
            "/viewer/%252e%252e%252fsecret.txt",
            "/viewer/%c0%ae%c0%ae/secret.txt",
            "/viewer//etc/passwd",
            "/viewer/%2fetc%2fpasswd",
            "/viewer/secret.txt%00.js",
            "/viewer/%00/../secret.txt",
            "/viewer/../viewer-secret/secret.txt",
            "/viewer-secret/secret.txt",
            "/viewer/passwd.js",
            "/viewer/secret-link.txt",
        ]
        for path in spellings:
            for headers in ({}, {"Sec-Fetch-Mode": "navigate", "Accept": "text/html"}):
                with self.subTest(path=path, headers=headers):
                    response = self.get(path, headers)
                    self.assertNothingFromOutside(response)
                    if response.status == 200:
                        # Only Orthanc's own /system (civetweb resolved "..") or the
                        # application itself (single-page fallback) may answer.
                        self.assertTrue(response.body.startswith(b"{") or response.body == INDEX, response)

    def test_symbolic_links_leading_outside_the_folder_are_404(self):
        for path in ("/viewer/passwd.js", "/viewer/secret-link.txt"):
            with self.subTest(path=path):
                response = self.get(path)
                self.assertEqual(response.status, 404, response)
                self.assertNothingFromOutside(response)

    def test_hidden_files_are_404_even_for_a_navigation(self):
        for path in HIDDEN_PATHS:
            for headers in ({}, {"Sec-Fetch-Mode": "navigate", "Accept": "text/html"}):
                with self.subTest(path=path, headers=headers):
                    response = self.get("/viewer/" + path, headers)
                    self.assertEqual(response.status, 404, response)
                    self.assertNotIn(b"TOP-SECRET", response.body)
                    self.assertNotEqual(response.body, INDEX)

    def test_well_known_is_served(self):
        self.assertServedFromTheFolder(self.get("/viewer/.well-known/x"), WELL_KNOWN)

    def test_double_encoded_dot_segments_reaching_the_callback_are_404(self):
        # "%252e%252e" reaches the callback as "%2e%2e": a name, never decoded again.
        for path in ("/viewer/%252e%252e/", "/viewer/%252e%252e/secret.txt"):
            with self.subTest(path=path):
                self.assertEqual(self.get(path).status, 404)


class FoldersWithOrthancCompressionDisabled(FolderTestCase):

    @classmethod
    def setUpClass(cls):
        cls.make_folders()
        cls.orthanc = cls.start_class_orthanc(
            cors={"AllowedOrigins": [ALLOWED_ORIGIN], "Gateway": {"Enable": False},
                  "Folders": cls.folders_configuration()},
            extra_configuration={"HttpCompressionEnabled": False})

    def test_gzip_sibling_is_served_as_is_when_the_client_accepts_gzip(self):
        response = self.get("/viewer/file.js", {"Accept-Encoding": "gzip"})
        self.assertEqual(response.status, 200, response)
        # One Content-Encoding: Orthanc must not compress the compressed file again.
        self.assertEqual(response.header_values("Content-Encoding"), ["gzip"])
        with open(os.path.join(self.viewer, "file.js.gz"), "rb") as sibling:
            self.assertEqual(response.body, sibling.read())
        self.assertEqual(gzip.decompress(response.body), FILE_JS)
        self.assertEqual(response.header("Content-Type").split(";")[0], "text/javascript")
        self.assertIn("accept-encoding", response.header("Vary").lower())

    def test_brotli_sibling_is_preferred_when_the_client_accepts_br(self):
        for accepted in ("br", "gzip, deflate, br", "br;q=1, gzip;q=0.5"):
            with self.subTest(accepted=accepted):
                response = self.get("/viewer/file.js", {"Accept-Encoding": accepted})
                self.assertEqual(response.status, 200, response)
                self.assertEqual(response.header_values("Content-Encoding"), ["br"])
                self.assertEqual(response.body, FILE_JS_BROTLI)

    def test_precompressed_sibling_is_not_chosen_when_refused_by_q_zero(self):
        response = self.get("/viewer/file.js", {"Accept-Encoding": "br;q=0, gzip;q=0, identity"})
        self.assertServedFromTheFolder(response, FILE_JS)
        self.assertEqual(response.header_values("Content-Encoding"), [])

    def test_etag_differs_between_files_and_between_encodings(self):
        tags = {self.get("/viewer/index.html").header("ETag"),
                self.get("/viewer/app-config.js").header("ETag"),
                self.get("/viewer/file.js").header("ETag"),
                self.get("/viewer/file.js", {"Accept-Encoding": "gzip"}).header("ETag"),
                self.get("/viewer/file.js", {"Accept-Encoding": "br"}).header("ETag")}
        self.assertEqual(len(tags), 5, tags)

    def test_file_without_sibling_is_sent_uncompressed_when_orthanc_compression_is_off(self):
        response = self.get("/viewer/" + HASHED_NAME, {"Accept-Encoding": "gzip, deflate"})
        self.assertServedFromTheFolder(response, HASHED)
        self.assertEqual(response.header_values("Content-Encoding"), [])


class HiddenFilesAndCacheLifetimesOnBothPorts(FolderTestCase):
    """A "Public" folder served on Orthanc's port and on the gateway, the gateway's
    root folder, and a folder that opts in to its hidden files."""

    @classmethod
    def setUpClass(cls):
        cls.make_folders()
        cls.gateway_port = free_port()
        cls.orthanc = cls.start_class_orthanc(cors={
            "AllowedOrigins": [ALLOWED_ORIGIN],
            "Gateway": {"Port": cls.gateway_port},
            "Folders": {
                "/viewer": {"Path": cls.viewer, "SinglePageApplication": True, "Public": True},
                "/": {"Path": cls.viewer, "SinglePageApplication": True, "Public": True},
                "/opted-in": {"Path": cls.viewer, "Public": True, "ServeHiddenFiles": True,
                              "ImmutableNamePattern": "report-[0-9]+[a-z]\\.pdf"},
            },
        })
        wait_until_http_ready(cls.gateway_port)

    def both_ports(self):
        return (("Orthanc", None), ("gateway", self.gateway_port))

    def test_hidden_files_are_404_on_both_ports_even_for_a_navigation(self):
        for (name, port) in self.both_ports():
            for path in HIDDEN_PATHS:
                for headers in ({}, {"Sec-Fetch-Mode": "navigate", "Accept": "text/html"}):
                    with self.subTest(port=name, path=path, headers=headers):
                        response = self.orthanc.request("GET", "/viewer/" + path, headers=headers, port=port)
                        self.assertEqual(response.status, 404, response)
                        self.assertNotIn(b"TOP-SECRET", response.body)
                        self.assertNotEqual(response.body, INDEX)

    def test_hidden_files_of_the_gateways_root_folder_are_404_even_for_a_navigation(self):
        for path in HIDDEN_PATHS:
            for headers in ({}, {"Sec-Fetch-Mode": "navigate", "Accept": "text/html"}):
                with self.subTest(path=path, headers=headers):
                    response = self.orthanc.request("GET", "/" + path, headers=headers, port=self.gateway_port)
                    self.assertEqual(response.status, 404, response)
                    self.assertNotIn(b"TOP-SECRET", response.body)
                    self.assertNotEqual(response.body, INDEX)

    def test_well_known_is_served_on_both_ports(self):
        for (name, port) in self.both_ports():
            with self.subTest(port=name):
                response = self.orthanc.request("GET", "/viewer/.well-known/x", port=port)
                self.assertServedFromTheFolder(response, WELL_KNOWN)
        self.assertServedFromTheFolder(self.orthanc.request("GET", "/.well-known/x", port=self.gateway_port),
                                       WELL_KNOWN)

    def test_a_folder_with_serve_hidden_files_serves_them_on_both_ports(self):
        for (name, port) in self.both_ports():
            with self.subTest(port=name):
                self.assertServedFromTheFolder(self.orthanc.request("GET", "/opted-in/.htpasswd", port=port),
                                               HTPASSWD)
                self.assertServedFromTheFolder(self.orthanc.request("GET", "/opted-in/%2egit/config", port=port),
                                               GIT_CONFIG)

    def test_only_bundler_hashed_names_are_immutable_on_both_ports(self):
        for (name, port) in self.both_ports():
            with self.subTest(port=name):
                hashed = self.orthanc.request("GET", "/viewer/" + HASHED_NAME, port=port)
                self.assertEqual(hashed.header("Cache-Control"), "public, max-age=31536000, immutable")
                for dated in DATED_NAMES:
                    response = self.orthanc.request("GET", "/viewer/" + dated, port=port)
                    self.assertEqual(response.status, 200, response)
                    self.assertEqual(response.header("Cache-Control"), "no-cache", dated)
                    self.assertIsNotNone(response.header("ETag"), dated)

    def test_a_folder_immutable_name_pattern_replaces_the_default_on_both_ports(self):
        for (name, port) in self.both_ports():
            with self.subTest(port=name):
                report = self.orthanc.request("GET", "/opted-in/report-20240101a.pdf", port=port)
                self.assertEqual(report.header("Cache-Control"), "public, max-age=31536000, immutable")
                bundle = self.orthanc.request("GET", "/opted-in/" + HASHED_NAME, port=port)
                self.assertEqual(bundle.header("Cache-Control"), "no-cache")

    def test_policy_shows_each_folders_hidden_files_and_immutable_name_pattern(self):
        folders = self.orthanc.api("GET", "/cors/policy")["Folders"]
        self.assertFalse(folders["/viewer/"]["ServeHiddenFiles"])
        self.assertTrue(folders["/opted-in/"]["ServeHiddenFiles"])
        self.assertEqual(folders["/opted-in/"]["ImmutableNamePattern"], "report-[0-9]+[a-z]\\.pdf")
        self.assertTrue(folders["/viewer/"]["ImmutableNamePattern"])
