-- SPDX-License-Identifier: AGPL-3.0-or-later
-- wrk script: STOW-RS, the same multipart/related body (one DICOM instance) posted
-- over and over. Orthanc answers each one (the instance is already stored after the
-- first: it still parses the upload and answers the STOW-RS response).
local file = assert(io.open(os.getenv("BENCH_STOW_BODY"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = os.getenv("BENCH_STOW_CONTENT_TYPE")
wrk.headers["Origin"] = os.getenv("BENCH_ORIGIN")
wrk.headers["Accept"] = "application/dicom+json"
