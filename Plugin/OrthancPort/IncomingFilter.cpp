#include "IncomingFilter.h"

#include "CorsPlugin.h"
#include "OrthancHttp.h"
#include "../Policy/ForeignOriginGuard.h"

namespace OrthancCors
{
  int32_t FilterIncomingRequest(OrthancPluginHttpMethod method,
                                const char* uri,
                                const char* ip,
                                uint32_t headersCount,
                                const char* const* headersKeys,
                                const char* const* headersValues,
                                uint32_t /* getArgumentsCount */,
                                const char* const* /* getArgumentsKeys */,
                                const char* const* /* getArgumentsValues */)
  {
    CorsPlugin& plugin = CorsPlugin::Get();
    try
    {
      const HttpHeaders headers = ToHttpHeaders(headersCount, headersKeys, headersValues);
      const Configuration& configuration = plugin.GetConfiguration();
      const std::string client = ip ? ip : "?";

      if (const auto refusal = configuration.allowedHosts.Check(headers))
      {
        const std::vector<std::string> hosts = GetAll(headers, "host");
        plugin.LogRefusedOriginOnce("Host " + (hosts.empty() ? std::string() : hosts.front()),
                                    "Cors: refused " + std::string(GetMethodName(method)) + " " + uri +
                                    " from " + client + ": " + *refusal);
        return 0;
      }

      if (!configuration.rejectForeignOrigins)
      {
        return 1;
      }
      // Orthanc hands the filter the effective method (after "_method" or
      // X-HTTP-Method-Override) and a URI without query.
      const GuardDecision decision = CheckForeignOrigin(configuration.policy, GetMethodName(method), uri, headers,
                                                        configuration.upstream.sslEnabled);
      if (decision.allowed)
      {
        return 1;
      }
      plugin.LogRefusedOriginOnce(decision.origin.empty() ? "(no Origin)" : decision.origin,
                                  "Cors: refused " + decision.method + " " + uri +
                                  " from " + client + ": " + decision.reason + " (RejectForeignOrigins)");
      return 0;
    }
    catch (const std::exception& e)
    {
      // Deny on purpose, and say why: a request the guard cannot judge is not let through.
      plugin.GetLogger().Error(std::string("Cors: refusing a request the guard could not evaluate: ") + e.what());
      return 0;
    }
  }
}
