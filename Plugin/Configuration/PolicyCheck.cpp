#include "PolicyCheck.h"

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
  }

  Json::Value CheckBrowserRequest(const Configuration& configuration, const Json::Value& query)
  {
    if (!query.isObject())
    {
      throw std::invalid_argument("the body must be a JSON object");
    }
    for (const std::string& key : query.getMemberNames())
    {
      if (key != "Origin" && key != "Method" && key != "Path" && key != "Headers" && key != "Credentials")
      {
        throw std::invalid_argument("unknown key \"" + key + "\" (expected Origin, Method, Path, Headers, Credentials)");
      }
    }
    if (query.isMember("Credentials") && !query["Credentials"].isBool())
    {
      throw std::invalid_argument("\"Credentials\" must be a Boolean");
    }

    const std::string origin = GetString(query, "Origin", nullptr);
    const std::string method = GetString(query, "Method", "GET");
    const std::string path = GetString(query, "Path", nullptr);
    const std::string requestedHeaders = GetRequestedHeaders(query);
    const bool credentials = query.get("Credentials", false).asBool();
    if (path.empty() || path[0] != '/')
    {
      throw std::invalid_argument("\"Path\" must start with \"/\"");
    }

    const Policy& policy = configuration.policy;
    Json::Value answer(Json::objectValue);
    const RoutePolicy* route = policy.FindRoute(path.substr(0, path.find('?')));
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
