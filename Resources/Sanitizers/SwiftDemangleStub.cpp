// SPDX-License-Identifier: AGPL-3.0-or-later
// Preloaded after libasan into a non-instrumented Orthanc (orthanc-with-sanitizers.sh).
//
// Why: when libasan is preloaded, its initialization looks up "swift_demangle" with
// dlsym(); on failure it calls dlerror(), which translates the message through
// dcgettext() while ASan is not yet initialized, and on Debian bookworm (glibc 2.36,
// GCC 12's libasan) that leaves glibc's __libc_setlocale_lock held for reading.
// The next std::locale("...") (Orthanc's start-up, Toolbox.cpp) then waits forever
// in duplocale(). With this symbol present, dlsym() succeeds and dlerror() is never
// called. Returning null means "cannot demangle", which is the truth.
extern "C" char* swift_demangle(const char*, unsigned long, char*, unsigned long*, unsigned int)
{
  return nullptr;
}
