// SPDX-License-Identifier: AGPL-3.0-or-later

#include "IncomingFilter.h"

#include "CorsPlugin.h"
#include "../Common/ExceptionBarrier.h"
#include "../Common/TargetPath.h"
#include "OrthancHttp.h"
#include "../Policy/ForeignOriginGuard.h"

#include <string_view>
#include <utility>

namespace OrthancCors
{
  namespace
  {
    // The method and request-target as the client sent them. Orthanc hands the
    // filter the method after its "_method" faking (GET arguments are parsed for
    // GET requests only, and the X-HTTP-Method-Override field wins over them) and
    // the URI decoded, without query: a "#" or "?" left in it is a character of the
    // path Orthanc routes, encoded again so that the guard judges that whole path.
    std::pair<std::string, std::string> RebuildRequest(OrthancPluginHttpMethod method,
                                                       const char* uri,
                                                       const HttpHeaders& headers,
                                                       uint32_t getArgumentsCount,
                                                       const char* const* getArgumentsKeys,
                                                       const char* const* getArgumentsValues)
    {
      const std::string target = EncodeDecodedPath(uri);
      if (GetAll(headers, "x-http-method-override").empty())
      {
        for (uint32_t i = 0; i < getArgumentsCount; i++)
        {
          if (getArgumentsKeys[i] != nullptr && getArgumentsValues[i] != nullptr &&
              std::string_view(getArgumentsKeys[i]) == "_method" && getArgumentsValues[i][0] != '\0')
          {
            return { "GET", target + "?_method=" + getArgumentsValues[i] };
          }
        }
      }
      return { GetMethodName(method), target };
    }
  }

  int32_t FilterIncomingRequest(OrthancPluginHttpMethod method,
                                const char* uri,
                                const char* ip,
                                uint32_t headersCount,
                                const char* const* headersKeys,
                                const char* const* headersValues,
                                uint32_t getArgumentsCount,
                                const char* const* getArgumentsKeys,
                                const char* const* getArgumentsValues)
  {
    return CallWithoutThrowing<int32_t>(0, [&]() -> int32_t
    {
      CorsPlugin& plugin = CorsPlugin::Get();
      const HttpHeaders headers = ToHttpHeaders(headersCount, headersKeys, headersValues);
      const Configuration& configuration = plugin.GetConfiguration();
      const std::string client = ip ? ip : "?";

      if (const auto refusal = configuration.allowedHosts.Check(ViewFields(headers)))
      {
        const std::vector<std::string> hosts = GetAll(headers, "host");
        plugin.WarnOncePerKey("Host " + (hosts.empty() ? std::string() : hosts.front()),
                              "Cors: refused " + std::string(GetMethodName(method)) + " " + uri +
                              " from " + client + ": " + *refusal);
        return 0;
      }

      if (!configuration.rejectForeignOrigins)
      {
        return 1;
      }
      // Orthanc hands the filter the effective method (after "_method" or
      // X-HTTP-Method-Override) and a URI without query: the request as the
      // client sent it is rebuilt for the guard, which judges a "_method" more
      // strictly than a real method.
      const auto [sentMethod, sentTarget] = RebuildRequest(method, uri, headers, getArgumentsCount,
                                                           getArgumentsKeys, getArgumentsValues);
      const GuardDecision decision = CheckForeignOrigin(configuration.policy, sentMethod, sentTarget, headers,
                                                        configuration.upstream.sslEnabled);
      if (decision.allowed)
      {
        return 1;
      }
      plugin.GetMetrics().guardRefusals.Add();
      plugin.WarnOncePerKey(decision.origin.empty() ? "(no Origin)" : decision.origin,
                            "Cors: refused " + decision.method + " " + uri +
                            " from " + client + ": " + decision.reason + " (RejectForeignOrigins)");
      return 0;
    }, [](const char* what) -> int32_t
    {
      // Deny on purpose, and say why: a request the guard cannot judge is not let through.
      CorsPlugin::Get().GetLogger().Error(std::string("Cors: refusing a request the guard could not evaluate: ") + what);
      return 0;
    });
  }
}
