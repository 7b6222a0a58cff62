-- SPDX-License-Identifier: AGPL-3.0-or-later
-- wrk script: a CORS preflight as a browser sends it before a DICOMweb call that
-- carries Authorization (e.g. a viewer launched with a bearer token).
wrk.method = "OPTIONS"
wrk.headers["Origin"] = os.getenv("BENCH_ORIGIN")
wrk.headers["Access-Control-Request-Method"] = "GET"
wrk.headers["Access-Control-Request-Headers"] = "authorization,accept"
