// SPDX-License-Identifier: AGPL-3.0-or-later

#include "PolicyFixtures.h"

#include "Common/TargetPath.h"
#include "Policy/ForeignOriginGuard.h"

#include <gtest/gtest.h>

using namespace OrthancCors;
using namespace OrthancCors::Testing;

namespace
{
  Policy MakeGuardPolicy()
  {
    RouteSpec dicomWeb;
    dicomWeb.origins = { "https://viewer.example", "https://*.hospital.example" };
    dicomWeb.methods = { "GET", "POST" };
    return MakePolicy(dicomWeb);
  }

  GuardDecision Check(const std::string& method, const std::string& uri, const HttpHeaders& headers,
                      bool orthancUsesTls = false)
  {
    return CheckForeignOrigin(MakeGuardPolicy(), method, uri, headers, orthancUsesTls);
  }
}

TEST(ForeignOriginGuard, RequestWithoutOriginIsNeverRefused)
{
  EXPECT_TRUE(Check("POST", "/instances", { { "host", "orthanc:8042" } }).allowed);
  EXPECT_TRUE(Check("DELETE", "/patients/x", {}).allowed);
}

TEST(ForeignOriginGuard, SafeMethodFromForeignOriginIsLetThrough)
{
  // Reading is protected by the browser's CORS check, not by this guard.
  EXPECT_TRUE(Check("GET", "/patients", { { "origin", "https://evil.example" }, { "host", "orthanc:8042" } }).allowed);
}

TEST(ForeignOriginGuard, SimplePostFromForeignPageIsRefused)
{
  const GuardDecision decision = Check("POST", "/instances", { { "origin", "https://evil.example" },
                                                              { "host", "orthanc:8042" },
                                                              { "content-type", "text/plain" } });
  EXPECT_FALSE(decision.allowed);
  EXPECT_EQ("https://evil.example", decision.origin);
  EXPECT_NE(std::string::npos, decision.reason.find("Cors.Routes"));
}

TEST(ForeignOriginGuard, PutAndDeleteFromForeignPageAreRefused)
{
  const HttpHeaders headers = { { "origin", "http://attacker.test" }, { "host", "localhost:8042" } };
  EXPECT_FALSE(Check("PUT", "/tools/execute-script", headers).allowed);
  EXPECT_FALSE(Check("DELETE", "/studies/abc", headers).allowed);
}

TEST(ForeignOriginGuard, SameOriginPostIsAllowed)
{
  // Orthanc Explorer 2 posting to its own server.
  EXPECT_TRUE(Check("POST", "/instances", { { "origin", "http://localhost:8042" }, { "host", "localhost:8042" } }).allowed);
}

TEST(ForeignOriginGuard, SameOriginComparesPortAndHost)
{
  EXPECT_FALSE(Check("POST", "/instances", { { "origin", "http://localhost:3000" }, { "host", "localhost:8042" } }).allowed);
  EXPECT_FALSE(Check("POST", "/instances", { { "origin", "http://127.0.0.1:8042" }, { "host", "localhost:8042" } }).allowed);
}

TEST(ForeignOriginGuard, SameOriginWithPortlessHostUsesTheDefaultPort)
{
  EXPECT_TRUE(Check("POST", "/instances", { { "origin", "https://pacs.example" }, { "host", "pacs.example" } }).allowed);
  EXPECT_FALSE(Check("POST", "/instances", { { "origin", "https://pacs.example:8443" }, { "host", "pacs.example" } }).allowed);
}

TEST(ForeignOriginGuard, SameOriginHostComparisonIgnoresCaseOfHostHeader)
{
  EXPECT_TRUE(Check("POST", "/instances", { { "origin", "http://pacs.example:8042" }, { "host", "PACS.example:8042" } }).allowed);
}

TEST(ForeignOriginGuard, ForwardedHostAndProtoDefineTheOwnOriginBehindAProxy)
{
  const HttpHeaders headers = { { "origin", "https://pacs.example" },
                                { "host", "127.0.0.1:8042" },
                                { "x-forwarded-host", "pacs.example" },
                                { "x-forwarded-proto", "https" } };
  EXPECT_TRUE(Check("POST", "/instances", headers).allowed);
}

TEST(ForeignOriginGuard, ForwardedProtoMismatchIsForeign)
{
  const HttpHeaders headers = { { "origin", "http://pacs.example" },
                                { "host", "127.0.0.1:8042" },
                                { "x-forwarded-host", "pacs.example" },
                                { "x-forwarded-proto", "https" } };
  EXPECT_FALSE(Check("POST", "/instances", headers).allowed);
}

TEST(ForeignOriginGuard, Rfc7239ForwardedHeaderDefinesTheOwnOrigin)
{
  const HttpHeaders headers = { { "origin", "https://gateway.example:8043" },
                                { "host", "127.0.0.1:8042" },
                                { "forwarded", "for=10.0.0.1;host=\"gateway.example:8043\";proto=https" } };
  EXPECT_TRUE(Check("POST", "/instances", headers).allowed);
}

TEST(ForeignOriginGuard, OrthancOverTlsMakesTheOwnSchemeHttps)
{
  const HttpHeaders headers = { { "origin", "http://pacs.example:8042" }, { "host", "pacs.example:8042" } };
  EXPECT_TRUE(Check("POST", "/instances", headers, false).allowed);
  EXPECT_FALSE(Check("POST", "/instances", headers, true).allowed);
}

TEST(ForeignOriginGuard, AllowedOriginMayPostToItsRoute)
{
  const HttpHeaders headers = { { "origin", "https://viewer.example" }, { "host", "pacs:8042" } };
  EXPECT_TRUE(Check("POST", "/dicom-web/studies", headers).allowed);
  const HttpHeaders subdomain = { { "origin", "https://ohif.hospital.example" }, { "host", "pacs:8042" } };
  EXPECT_TRUE(Check("POST", "/dicom-web/studies", subdomain).allowed);
}

TEST(ForeignOriginGuard, AllowedOriginIsRefusedOutsideItsRoutes)
{
  const HttpHeaders headers = { { "origin", "https://viewer.example" }, { "host", "pacs:8042" } };
  EXPECT_FALSE(Check("POST", "/instances", headers).allowed);
  EXPECT_FALSE(Check("POST", "/dicom-web/../tools/execute-script", headers).allowed);
}

TEST(ForeignOriginGuard, UnsafeRequestIsJudgedByThePathBeforeItsFirstQuestionMarkOrHash)
{
  const HttpHeaders headers = { { "origin", "https://viewer.example" }, { "host", "pacs:8042" } };
  EXPECT_TRUE(Check("POST", "/dicom-web#/studies", headers).allowed);

  const GuardDecision hashThenRoute = Check("POST", "/instances#/dicom-web/", headers);
  EXPECT_FALSE(hashThenRoute.allowed);
  EXPECT_NE(std::string::npos, hashThenRoute.reason.find(" /instances is under no route")) << hashThenRoute.reason;

  const GuardDecision hashThenQuery = Check("POST", "/tools/x#?", headers);
  EXPECT_FALSE(hashThenQuery.allowed);
  EXPECT_NE(std::string::npos, hashThenQuery.reason.find(" /tools/x is under no route")) << hashThenQuery.reason;
}

TEST(ForeignOriginGuard, PathOrthancDecodedIsJudgedWholeHashQuestionMarkAndPercentIncluded)
{
  // Orthanc routes "/dicom-web#/studies" (sent as "/dicom-web%23/studies") as a path
  // of its own, and "/instances/%2E%2E/dicom-web/studies" (sent with "%252E") is not
  // "/dicom-web/studies": the filter hands the guard these paths encoded again.
  const HttpHeaders headers = { { "origin", "https://viewer.example" }, { "host", "pacs:8042" } };
  for (const char* decodedPath : { "/dicom-web#/studies", "/dicom-web?/studies", "/dicom-web#",
                                   "/instances/%2E%2E/dicom-web/studies" })
  {
    EXPECT_FALSE(Check("POST", EncodeDecodedPath(decodedPath), headers).allowed) << decodedPath;
  }
  EXPECT_TRUE(Check("POST", EncodeDecodedPath("/dicom-web/studies"), headers).allowed);
  // Nor does a "?" of that path hide the "_method" the filter puts back after it.
  EXPECT_EQ("DELETE", GetEffectiveMethod("GET", EncodeDecodedPath("/instances/x?") + "?_method=DELETE", {}).method);
}

TEST(ForeignOriginGuard, AllowedOriginIsRefusedForMethodNotInItsRoute)
{
  const GuardDecision decision = Check("DELETE", "/dicom-web/studies/1",
                                       { { "origin", "https://viewer.example" }, { "host", "pacs:8042" } });
  EXPECT_FALSE(decision.allowed);
  EXPECT_NE(std::string::npos, decision.reason.find("AllowedMethods"));
}

TEST(ForeignOriginGuard, UnlistedOriginIsRefusedOnAnExposedRoute)
{
  const GuardDecision decision = Check("POST", "/dicom-web/studies",
                                       { { "origin", "https://evil.example" }, { "host", "pacs:8042" } });
  EXPECT_FALSE(decision.allowed);
  EXPECT_NE(std::string::npos, decision.reason.find("AllowedOrigins"));
}

TEST(ForeignOriginGuard, OpaqueNullOriginIsRefused)
{
  // Sandboxed iframes and file: pages send "null"; it is never this server's origin.
  EXPECT_FALSE(Check("POST", "/instances", { { "origin", "null" }, { "host", "pacs:8042" } }).allowed);
}

TEST(ForeignOriginGuard, MalformedOriginIsRefused)
{
  EXPECT_FALSE(Check("POST", "/instances", { { "origin", "https://pacs:8042/" }, { "host", "pacs:8042" } }).allowed);
  EXPECT_FALSE(Check("POST", "/instances", { { "origin", "https://a@pacs:8042" }, { "host", "pacs:8042" } }).allowed);
}

TEST(ForeignOriginGuard, SeveralOriginFieldsAreRefused)
{
  EXPECT_FALSE(Check("POST", "/instances", { { "origin", "http://pacs:8042" }, { "origin", "http://pacs:8042" },
                                             { "host", "pacs:8042" } }).allowed);
}

TEST(ForeignOriginGuard, MissingHostMakesEveryOriginForeign)
{
  EXPECT_FALSE(Check("POST", "/instances", { { "origin", "http://pacs:8042" } }).allowed);
}

TEST(HasForeignOrigin, NoOriginIsNotForeign)
{
  EXPECT_FALSE(HasForeignOrigin({ { "host", "pacs:8042" } }, false));
}

TEST(HasForeignOrigin, OwnOriginIsNotForeign)
{
  EXPECT_FALSE(HasForeignOrigin({ { "origin", "http://pacs:8042" }, { "host", "pacs:8042" } }, false));
}

TEST(HasForeignOrigin, AllowedOriginIsStillForeign)
{
  // Being in AllowedOrigins does not make a page same-origin: diagnostics stay private.
  EXPECT_TRUE(HasForeignOrigin({ { "origin", "https://viewer.example" }, { "host", "pacs:8042" } }, false));
}

TEST(HasForeignOrigin, NullInvalidAndRepeatedOriginsAreForeign)
{
  EXPECT_TRUE(HasForeignOrigin({ { "origin", "null" }, { "host", "pacs:8042" } }, false));
  EXPECT_TRUE(HasForeignOrigin({ { "origin", "http://pacs:8042/" }, { "host", "pacs:8042" } }, false));
  EXPECT_TRUE(HasForeignOrigin({ { "origin", "http://pacs:8042" }, { "origin", "http://pacs:8042" },
                                 { "host", "pacs:8042" } }, false));
}

// Issue 18, finding 1: Orthanc's "HTTP method faking" turns a GET that any page can
// send without Origin (<img src=...?_method=DELETE>) into a DELETE.

TEST(EffectiveMethod, UnderscoreMethodArgumentOverridesAGet)
{
  const EffectiveMethod effective = GetEffectiveMethod("GET", "/instances/x?_method=delete", {});
  EXPECT_EQ("DELETE", effective.method);
  EXPECT_EQ("_method", effective.overriddenBy);
}

TEST(EffectiveMethod, UnderscoreMethodIsDecodedAsOrthancDecodesArguments)
{
  EXPECT_EQ("DELETE", GetEffectiveMethod("GET", "/i?a=1&%5Fmethod=%44ELETE", {}).method);
  EXPECT_EQ("PUT", GetEffectiveMethod("GET", "/i?_method=put&_method=delete", {}).method);   // the first one
}

TEST(EffectiveMethod, UnderscoreMethodOnlyOverridesAGet)
{
  // Orthanc parses GET arguments on GET requests only.
  const EffectiveMethod effective = GetEffectiveMethod("POST", "/i?_method=DELETE", {});
  EXPECT_EQ("POST", effective.method);
  EXPECT_FALSE(effective.IsOverridden());
}

TEST(EffectiveMethod, UnderscoreMethodAfterAHashIsReadAsOrthancReadsArguments)
{
  // Orthanc's arguments are all that follows the first "?": "1#" is the value of "x".
  EXPECT_EQ("DELETE", GetEffectiveMethod("GET", "/instances/x?x=1#&_method=DELETE", {}).method);
  EXPECT_EQ("DELETE", GetEffectiveMethod("GET", "/instances/x#?_method=DELETE", {}).method);
  EXPECT_FALSE(GetEffectiveMethod("GET", "/instances/x#_method=DELETE", {}).IsOverridden());
}

TEST(EffectiveMethod, MethodOverrideHeaderOverridesAnyMethod)
{
  const HttpHeaders headers = { { "X-HTTP-Method-Override", "delete" } };
  EXPECT_EQ("DELETE", GetEffectiveMethod("POST", "/i", headers).method);
  EXPECT_EQ("DELETE", GetEffectiveMethod("GET", "/i?_method=PUT", headers).method);   // the header first
  EXPECT_EQ("X-HTTP-Method-Override", GetEffectiveMethod("GET", "/i", headers).overriddenBy);
}

TEST(EffectiveMethod, EmptyOrAbsentOverrideKeepsTheMethod)
{
  EXPECT_FALSE(GetEffectiveMethod("GET", "/i?_method=", {}).IsOverridden());
  EXPECT_FALSE(GetEffectiveMethod("GET", "/i?x_method=DELETE&_methods=PUT", {}).IsOverridden());
  EXPECT_FALSE(GetEffectiveMethod("GET", "/i", { { "x-http-method-override", "" } }).IsOverridden());
}

TEST(FetchMetadata, SecFetchSiteValues)
{
  EXPECT_EQ(FetchSite::Absent, ReadFetchSite({}));
  EXPECT_EQ(FetchSite::SameOrigin, ReadFetchSite({ { "Sec-Fetch-Site", "same-origin" } }));
  EXPECT_EQ(FetchSite::UserInitiated, ReadFetchSite({ { "sec-fetch-site", "none" } }));
  EXPECT_EQ(FetchSite::OtherOrigin, ReadFetchSite({ { "sec-fetch-site", "cross-site" } }));
  EXPECT_EQ(FetchSite::OtherOrigin, ReadFetchSite({ { "sec-fetch-site", "same-site" } }));
  EXPECT_EQ(FetchSite::OtherOrigin, ReadFetchSite({ { "sec-fetch-site", "bogus" } }));
  EXPECT_EQ(FetchSite::OtherOrigin, ReadFetchSite({ { "sec-fetch-site", "same-origin" },
                                                    { "sec-fetch-site", "cross-site" } }));
}

TEST(ForeignOriginGuard, CrossSiteMethodOverrideWithoutOriginIsRefused)
{
  // What <img src="http://orthanc:8042/instances/x?_method=DELETE"> sends.
  const HttpHeaders image = { { "host", "orthanc:8042" }, { "sec-fetch-site", "cross-site" },
                              { "sec-fetch-mode", "no-cors" }, { "sec-fetch-dest", "image" } };
  const GuardDecision decision = Check("GET", "/instances/x?_method=DELETE", image);
  EXPECT_FALSE(decision.allowed);
  EXPECT_EQ("DELETE", decision.method);
  EXPECT_NE(std::string::npos, decision.reason.find("_method"));
}

TEST(ForeignOriginGuard, OrthancPortFilterSeesTheOverriddenMethodWithoutQuery)
{
  // On Orthanc's own port the filter receives DELETE and "/instances/x".
  EXPECT_FALSE(Check("DELETE", "/instances/x", { { "host", "orthanc:8042" },
                                                 { "sec-fetch-site", "cross-site" } }).allowed);
}

TEST(ForeignOriginGuard, SameSiteUnsafeRequestWithoutOriginIsRefused)
{
  EXPECT_FALSE(Check("POST", "/instances", { { "host", "orthanc:8042" }, { "sec-fetch-site", "same-site" } }).allowed);
}

TEST(ForeignOriginGuard, CrossSiteSafeRequestIsLetThrough)
{
  EXPECT_TRUE(Check("GET", "/instances/x/preview", { { "host", "orthanc:8042" },
                                                     { "sec-fetch-site", "cross-site" } }).allowed);
}

TEST(ForeignOriginGuard, RequestWithoutFetchMetadataOrOriginKeepsWorking)
{
  // curl, scripts, servers and old browsers: no Sec-Fetch-*, no Origin.
  EXPECT_TRUE(Check("DELETE", "/instances/x", { { "host", "orthanc:8042" } }).allowed);
  EXPECT_TRUE(Check("POST", "/instances", { { "host", "orthanc:8042" } }).allowed);
  EXPECT_TRUE(Check("POST", "/instances", { { "host", "orthanc:8042" }, { "x-http-method-override", "PUT" } }).allowed);
}

TEST(ForeignOriginGuard, QueryMethodOverrideWithoutFetchMetadataIsRefused)
{
  // Browsers send Sec-Fetch-* to https:// and loopback URLs only: an <img> of any
  // site pointing at http://pacs.lan:8042 carries neither Origin nor Sec-Fetch-Site.
  const GuardDecision decision = Check("GET", "/instances/x?_method=DELETE", { { "host", "pacs.lan:8042" } });
  EXPECT_FALSE(decision.allowed);
  EXPECT_NE(std::string::npos, decision.reason.find("send a real DELETE"));
}

TEST(ForeignOriginGuard, UserInitiatedNavigationWithQueryMethodOverrideIsRefused)
{
  // "none": a link clicked in a mail or a chat, typed or bookmarked.
  EXPECT_FALSE(Check("GET", "/instances/x?_method=DELETE", { { "host", "orthanc:8042" },
                                                             { "sec-fetch-site", "none" } }).allowed);
}

TEST(ForeignOriginGuard, SameOriginQueryMethodOverrideIsAllowed)
{
  EXPECT_TRUE(Check("GET", "/instances/x?_method=DELETE", { { "host", "orthanc:8042" },
                                                            { "sec-fetch-site", "same-origin" } }).allowed);
  // A page of Orthanc's own origin using fetch() in CORS mode also sends Origin.
  EXPECT_TRUE(Check("GET", "/instances/x?_method=DELETE", { { "host", "orthanc:8042" },
                                                            { "origin", "http://orthanc:8042" } }).allowed);
}

TEST(ForeignOriginGuard, MethodOverrideHeaderFromForeignOriginIsRefused)
{
  EXPECT_FALSE(Check("POST", "/dicom-web/studies", { { "host", "orthanc:8042" },
                                                     { "origin", "https://evil.example" },
                                                     { "x-http-method-override", "DELETE" } }).allowed);
}

TEST(ForeignOriginGuard, AllowedOriginIsJudgedOnTheEffectiveMethod)
{
  // The route allows GET and POST only: a GET turned into a DELETE is refused.
  const HttpHeaders headers = { { "origin", "https://viewer.example" }, { "host", "orthanc:8042" },
                                { "sec-fetch-site", "cross-site" } };
  const GuardDecision decision = Check("GET", "/dicom-web/studies?_method=DELETE", headers);
  EXPECT_FALSE(decision.allowed);
  EXPECT_NE(std::string::npos, decision.reason.find("AllowedMethods"));
  EXPECT_TRUE(Check("POST", "/dicom-web/studies", headers).allowed);
}

TEST(ForeignOriginGuard, CrossSiteFetchMetadataOutranksAHostThatMatchesOrigin)
{
  // Host agrees with Origin, but the browser says another site initiated the
  // request (a proxy rewrote Host): judged as a foreign origin.
  const HttpHeaders headers = { { "origin", "http://orthanc:8042" }, { "host", "orthanc:8042" },
                                { "sec-fetch-site", "cross-site" } };
  EXPECT_FALSE(Check("POST", "/tools/execute-script", headers).allowed);
}

TEST(HasForeignOrigin, CrossSiteFetchMetadataIsForeign)
{
  EXPECT_TRUE(HasForeignOrigin({ { "host", "orthanc:8042" }, { "sec-fetch-site", "cross-site" } }, false));
  EXPECT_FALSE(HasForeignOrigin({ { "host", "orthanc:8042" }, { "sec-fetch-site", "same-origin" } }, false));
}
