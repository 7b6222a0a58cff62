// SPDX-License-Identifier: AGPL-3.0-or-later

#include "AccessLogFormat.h"

#include "../Common/HttpHeaders.h"
#include "../Common/TargetPath.h"
#include "../Policy/QueryString.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>

namespace OrthancCors
{
  namespace
  {
    // What ends a parameter: "&", ";" (some frameworks' URLs), "#" and "?" (Orthanc
    // reads "?x=1#&token=t" as x and token), and blanks (a malformed request line).
    constexpr std::string_view PARAMETER_ENDS = "&;#? \t";

    // A secret's value runs over blanks: "?password=two words" hides both words.
    constexpr std::string_view SECRET_VALUE_ENDS = "&;#?";

    // Substrings of a parameter name that mark a credential (lower case).
    constexpr std::array<std::string_view, 13> SECRET_NAME_PARTS = {
      "token", "jwt", "password", "passwd", "secret", "signature", "apikey", "api_key", "credential",
      "access_key", "accesskey", "private_key", "privatekey"
    };

    // Whole parameter names that do (too short to search for inside other names).
    constexpr std::array<std::string_view, 6> SECRET_NAMES = {
      "auth", "authorization", "key", "sig", "code", "session"
    };

    bool IsSecretName(std::string_view encodedName)
    {
      const std::string name = ToLowerAscii(DecodeQueryComponent(encodedName));
      for (std::string_view part : SECRET_NAME_PARTS)
      {
        if (name.find(part) != std::string::npos)
        {
          return true;
        }
      }
      return std::find(SECRET_NAMES.begin(), SECRET_NAMES.end(), name) != SECRET_NAMES.end();
    }

    // nginx's escaping of logged variables: " \ and bytes outside 0x20-0x7E as \xHH.
    // Runs of plain bytes are appended whole (the common case: nothing to escape).
    void AppendEscaped(std::string& line, std::string_view text)
    {
      static constexpr char HEX[] = "0123456789ABCDEF";
      std::size_t plainFrom = 0;
      for (std::size_t i = 0; i < text.size(); i++)
      {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte < 0x20 || byte > 0x7e || byte == '"' || byte == '\\')
        {
          line.append(text.data() + plainFrom, i - plainFrom);
          const char escaped[4] = { '\\', 'x', HEX[byte >> 4], HEX[byte & 0x0f] };
          line.append(escaped, sizeof(escaped));
          plainFrom = i + 1;
        }
      }
      line.append(text.data() + plainFrom, text.size() - plainFrom);
    }

    void AppendQuoted(std::string& line, std::string_view text)
    {
      line += '"';
      if (text.empty())
      {
        line += '-';
      }
      else
      {
        AppendEscaped(line, text);
      }
      line += '"';
    }

    // " HTTP/1.1" at the end of a request line, "" when the line has no version.
    std::string_view VersionOf(std::string_view requestLine)
    {
      const std::size_t lastSpace = requestLine.rfind(' ');
      if (lastSpace == std::string_view::npos || !requestLine.substr(lastSpace + 1).starts_with("HTTP/"))
      {
        return {};
      }
      return requestLine.substr(lastSpace);
    }

    // The whole line is masked, not a target split out of it: a line refused as
    // malformed ("GET /a b?token=x HTTP/1.1", no version) is logged as received.
    // The version is set apart, as a secret's value would run into it.
    std::string MaskRequestLine(std::string_view requestLine)
    {
      const std::string_view version = VersionOf(requestLine);
      return MaskSecretParameters(requestLine.substr(0, requestLine.size() - version.size())) +
        std::string(version);
    }

    // Quoted, escaped, and (parameters being there) with its secrets masked by `mask`.
    void AppendQuotedMasked(std::string& line, std::string_view text, std::string (*mask)(std::string_view))
    {
      if (TargetPath(text).size() == text.size())
      {
        AppendQuoted(line, text);   // most requests: no copy
      }
      else
      {
        AppendQuoted(line, mask(text));
      }
    }

    // "12.345": seconds with milliseconds, as nginx's $request_time.
    void AppendSeconds(std::string& line, std::chrono::steady_clock::duration elapsed)
    {
      const auto milliseconds = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
      const long long positive = milliseconds < 0 ? 0 : static_cast<long long>(milliseconds);
      line += std::to_string(positive / 1000);
      const int fraction = static_cast<int>(positive % 1000);
      line += '.';
      line += static_cast<char>('0' + fraction / 100);
      line += static_cast<char>('0' + fraction / 10 % 10);
      line += static_cast<char>('0' + fraction % 10);
    }
  }


  std::string_view ToString(CorsOutcome outcome)
  {
    switch (outcome)
    {
      case CorsOutcome::PreflightAllowed: return "preflight-ok";
      case CorsOutcome::PreflightRefusedOrigin: return "preflight-refused:origin";
      case CorsOutcome::PreflightRefusedMethod: return "preflight-refused:method";
      case CorsOutcome::PreflightRefusedHeader: return "preflight-refused:header";
      case CorsOutcome::PreflightRefusedRoute: return "preflight-refused:route";
      case CorsOutcome::PreflightRefusedPrivateNetwork: return "preflight-refused:private-network";
      case CorsOutcome::OriginAllowed: return "cors-ok";
      case CorsOutcome::NoOrigin: return "no-origin";
      case CorsOutcome::OriginRefused: return "origin-refused";
      case CorsOutcome::NotExposed: return "not-exposed";
      case CorsOutcome::HostRefused: return "host-refused";
      case CorsOutcome::None: break;
    }
    return "-";
  }


  std::string MaskSecretParameters(std::string_view text)
  {
    std::size_t position = TargetPath(text).size();
    std::string masked(text.substr(0, position));
    while (position < text.size())
    {
      masked += text[position++];   // the separator before a parameter
      const std::size_t end = std::min(text.find_first_of(PARAMETER_ENDS, position), text.size());
      const std::string_view parameter = text.substr(position, end - position);
      const std::size_t equals = parameter.find('=');
      const std::string_view name = parameter.substr(0, equals);
      if (equals != std::string_view::npos && IsSecretName(name))
      {
        masked += name;
        masked += "=***";
        position = std::min(text.find_first_of(SECRET_VALUE_ENDS, position), text.size());
      }
      else
      {
        masked += parameter;
        position = end;
      }
    }
    return masked;
  }


  std::string FormatLogTime(std::chrono::system_clock::time_point time)
  {
    static constexpr const char* MONTHS[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
    // glibc's localtime_r takes a process-wide lock: once a second per thread is enough.
    thread_local std::time_t cachedSeconds = -1;
    thread_local std::string cachedText;
    if (seconds == cachedSeconds)
    {
      return cachedText;
    }
    std::tm local{};
    ::localtime_r(&seconds, &local);
    const long offsetMinutes = local.tm_gmtoff / 60;
    const long absolute = offsetMinutes < 0 ? -offsetMinutes : offsetMinutes;
    char text[64];
    std::snprintf(text, sizeof(text), "%02d/%s/%04d:%02d:%02d:%02d %c%02d%02d",
                  local.tm_mday, MONTHS[local.tm_mon], local.tm_year + 1900,
                  local.tm_hour, local.tm_min, local.tm_sec,
                  offsetMinutes < 0 ? '-' : '+', static_cast<int>(absolute / 60 % 100), static_cast<int>(absolute % 60));
    cachedSeconds = seconds;
    cachedText = text;
    return cachedText;
  }


  std::string FormatAccessLogLine(const AccessRecord& record)
  {
    std::string line;
    line.reserve(256 + record.requestLine.size() + record.referer.size() + record.userAgent.size());
    AppendEscaped(line, record.clientAddress.empty() ? std::string_view("-") : record.clientAddress);
    line += " - - [";
    line += FormatLogTime(record.began);
    line += "] ";
    AppendQuotedMasked(line, record.requestLine, &MaskRequestLine);
    line += ' ';
    line += std::to_string(record.status == 0 ? 499 : record.status);
    line += ' ';
    line += std::to_string(record.bodyBytesSent);
    line += ' ';
    AppendQuotedMasked(line, record.referer, &MaskSecretParameters);
    line += ' ';
    AppendQuoted(line, record.userAgent);
    line += ' ';
    AppendSeconds(line, record.elapsed);
    line += ' ';
    line += ToString(record.outcome);
    line += '\n';
    return line;
  }
}
