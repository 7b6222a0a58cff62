// SPDX-License-Identifier: AGPL-3.0-or-later

#include "PolicyCheck.h"

#include "../Common/TargetPath.h"
#include "../Folders/FolderHeaders.h"
#include "../Folders/PathResolver.h"
#include "../Policy/CorsEvaluation.h"

#include <stdexcept>

namespace OrthancCors
{
  namespace
  {
    std::string GetString(const Json::Value& query, const char* key, const char* defaultValue)
    {
      if (!query.isMember(key))
      {
        if (defaultValue == nullptr)
        {
          throw std::invalid_argument(std::string("missing \"") + key + "\"");
        }
        return defaultValue;
      }
      if (!query[key].isString())
      {
        throw std::invalid_argument(std::string("\"") + key + "\" must be a string");
      }
      return query[key].asString();
    }

    std::string GetPath(const Json::Value& query)
    {
      const std::string path = GetString(query, "Path", nullptr);
      if (path.empty() || path[0] != '/')
      {
        throw std::invalid_argument("\"Path\" must start with \"/\"");
      }
      return path;
    }

    std::string GetRequestedHeaders(const Json::Value& query)
    {
      if (!query.isMember("Headers"))
      {
        return "";
      }
      const Json::Value& headers = query["Headers"];
      if (headers.isString())
      {
        return headers.asString();
      }
      if (!headers.isArray())
      {
        throw std::invalid_argument("\"Headers\" must be a list of header names or a comma-separated string");
      }
      std::string joined;
      for (const Json::Value& name : headers)
      {
        if (!name.isString())
        {
          throw std::invalid_argument("\"Headers\" must only contain strings");
        }
        joined += (joined.empty() ? "" : ", ") + name.asString();
      }
      return joined;
    }

    Json::Value ToJson(const HttpHeaders& headers)
    {
      Json::Value result(Json::objectValue);
      for (const HttpHeader& header : headers)
      {
        result[header.name] = header.value;
      }
      return result;
    }

    bool IsCorsSafelistedMethod(const std::string& method)
    {
      return method == "GET" || method == "HEAD" || method == "POST";
    }

    // "May a page on `origin` show `path` in a frame?"
    Json::Value CheckFrame(const FolderServer& folders, const std::string& origin, const std::string& path)
    {
      const OriginParseResult parsed = ParseSerializedOrigin(origin);
      if (!parsed.origin)
      {
        throw std::invalid_argument("\"Origin\" is not a serialized origin: " + parsed.reason);
      }

      Json::Value answer(Json::objectValue);
      const FolderSettings* folder = folders.FindFolderOfPage(path);
      if (folder == nullptr)
      {
        answer["Folder"] = Json::nullValue;
        answer["Allowed"] = Json::nullValue;
        answer["Reason"] = path + " is not served from a folder of this plugin: the plugin adds no frame policy "
                           "to it, and Orthanc's own headers decide";
        return answer;
      }

      answer["Folder"] = folder->prefix;
      answer["Headers"] = ToJson(GetFramingHeaders(*folder));

      const std::string listed = folder->framePolicy.IsSameOriginOnly() ? std::string("lists no origin") :
        "is " + folder->framePolicy.GetDirective().substr(std::string("frame-ancestors 'self' ").size());
      const std::string where = folder->prefix == "/" ? " (served by the gateway only)" : "";
      if (!folder->framePolicy.AllowsListedAncestor(*parsed.origin))
      {
        answer["Allowed"] = false;
        answer["Reason"] = "a page on " + origin + " may not frame " + folder->prefix + where + ", unless " +
                           origin + " is the very origin the page is served at ('self'; Orthanc's port and the "
                           "gateway are two origins): its FrameAncestors " + listed + " (the browser shows an "
                           "error in the frame)";
        return answer;
      }

      answer["Allowed"] = true;
      std::string reason = "a page on " + origin + " may frame " + folder->prefix + where + " (its FrameAncestors " +
                           listed + "), if every page above it in the frame tree may too";
      if (folder->crossOriginIsolation != CrossOriginIsolation::Off)
      {
        reason += "; inside the frame the viewer is cross-origin isolated only if that page is itself "
                  "(Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp or "
                  "credentialless) and its iframe has allow=\"cross-origin-isolated\"";
      }
      else
      {
        reason += "; the folder is not cross-origin isolated (CrossOriginIsolation is off): a cross-origin "
                  "isolated page cannot frame it, and nothing in the frame is isolated";
      }
      answer["Reason"] = reason;
      return answer;
    }
  }

  Json::Value CheckBrowserRequest(const Configuration& configuration, const FolderServer& folders,
                                  const Json::Value& query)
  {
    if (!query.isObject())
    {
      throw std::invalid_argument("the body must be a JSON object");
    }
    for (const std::string& key : query.getMemberNames())
    {
      if (key != "Origin" && key != "Method" && key != "Path" && key != "Headers" && key != "Credentials" &&
          key != "Frame")
      {
        throw std::invalid_argument("unknown key \"" + key + "\" (expected Origin, Method, Path, Headers, "
                                    "Credentials, Frame)");
      }
    }
    for (const char* key : { "Credentials", "Frame" })
    {
      if (query.isMember(key) && !query[key].isBool())
      {
        throw std::invalid_argument(std::string("\"") + key + "\" must be a Boolean");
      }
    }

    if (query.get("Frame", false).asBool())
    {
      for (const char* key : { "Method", "Headers", "Credentials" })
      {
        if (query.isMember(key))
        {
          throw std::invalid_argument(std::string("\"") + key + "\" does not apply to \"Frame\": a frame is a "
                                      "page navigation, not a request the page makes");
        }
      }
      // As the folder server reads it: percent-decoded, query left out, refused if it
      // could name no file.
      const std::optional<std::string> path = DecodeRequestPath(GetPath(query));
      if (!path)
      {
        throw std::invalid_argument("\"Path\" is not a path a folder could serve (encoded \"/\", dot "
                                    "segments, control characters)");
      }
      return CheckFrame(folders, GetString(query, "Origin", nullptr), *path);
    }

    const std::string origin = GetString(query, "Origin", nullptr);
    const std::string method = GetString(query, "Method", "GET");
    const std::string path = GetPath(query);
    const std::string requestedHeaders = GetRequestedHeaders(query);
    const bool credentials = query.get("Credentials", false).asBool();

    const Policy& policy = configuration.policy;
    Json::Value answer(Json::objectValue);
    const RoutePolicy* route = policy.FindRoute(TargetPath(path));
    answer["Route"] = route ? Json::Value(route->prefix) : Json::Value(Json::nullValue);

    const bool preflightRequired = !IsCorsSafelistedMethod(method) || !requestedHeaders.empty();
    answer["PreflightRequired"] = preflightRequired;

    bool allowed = true;
    std::string reason;

    if (preflightRequired)
    {
      HttpHeaders preflightHeaders = { { "Origin", origin }, { "Access-Control-Request-Method", method } };
      if (!requestedHeaders.empty())
      {
        preflightHeaders.push_back({ "Access-Control-Request-Headers", requestedHeaders });
      }
      const CorsDecision preflight = EvaluatePreflight(
        policy, CorsRequest::FromHeaders("OPTIONS", path, preflightHeaders));
      Json::Value preflightJson(Json::objectValue);
      preflightJson["Status"] = preflight.status;
      preflightJson["Headers"] = ToJson(preflight.headers);
      preflightJson["Reason"] = preflight.reason;
      answer["Preflight"] = preflightJson;
      if (preflight.outcome != CorsDecision::Outcome::Allowed)
      {
        allowed = false;
        reason = "preflight refused: " + preflight.reason;
      }
    }

    const CorsDecision actual = EvaluateActualRequest(
      policy, CorsRequest::FromHeaders(method, path, { { "Origin", origin } }));
    Json::Value responseJson(Json::objectValue);
    responseJson["Headers"] = ToJson(actual.headers);
    responseJson["Reason"] = actual.reason;
    answer["Response"] = responseJson;

    if (allowed && actual.outcome != CorsDecision::Outcome::Allowed)
    {
      allowed = false;
      reason = "response not readable: " + actual.reason;
    }
    if (allowed && credentials && (route == nullptr || !route->allowCredentials))
    {
      allowed = false;
      reason = "the request carries credentials (cookies or HTTP authentication managed by the browser) "
               "but AllowCredentials is false for this route";
    }

    answer["Allowed"] = allowed;
    answer["Reason"] = allowed ? "a browser on " + origin + " may make this request and read the response" : reason;
    return answer;
  }
}
