// SPDX-License-Identifier: AGPL-3.0-or-later

#include "FolderAccess.h"

#include "MessageIo.h"

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/string_body.hpp>

#include <openssl/evp.h>

#include <algorithm>
#include <array>

namespace OrthancCors
{
  namespace http = boost::beast::http;
  using boost::system::error_code;

  namespace
  {
    // Orthanc answers the probe with "{}"; anything longer is not worth reading.
    constexpr std::uint64_t PROBE_BODY_LIMIT = 64 * 1024;
    constexpr std::uint32_t PROBE_HEADER_LIMIT = 64 * 1024;

    // Fields that describe one request (which file, in which form, for which fetch)
    // rather than who sends it: they differ between the files of a viewer and would
    // split the cache without changing Orthanc's verdict.
    // X-HTTP-Method-Override and Expect would turn the probe into another request
    // (Orthanc answers 405 or 400: a 502 for the client, never cached).
    const std::array<std::string_view, 15> PER_REQUEST_FIELDS = {
      "Accept", "Accept-Encoding", "Accept-Language", "Cache-Control", "Pragma", "Range",
      "Referer", "Priority", "Upgrade-Insecure-Requests", "Content-Type", "Content-Encoding",
      "Purpose", "Sec-Purpose", "X-HTTP-Method-Override", "Expect"
    };

    bool IsPerRequestField(std::string_view name)
    {
      const auto startsWith = [&](std::string_view prefix)
      {
        return name.size() >= prefix.size() && EqualsIgnoringCase(name.substr(0, prefix.size()), prefix);
      };
      return startsWith("If-") || startsWith("Sec-Fetch-") ||
        std::any_of(PER_REQUEST_FIELDS.begin(), PER_REQUEST_FIELDS.end(),
                    [&](std::string_view field) { return EqualsIgnoringCase(field, name); });
    }

    // One GET of the probe route on the session's upstream connection; a pooled
    // connection that Orthanc closed meanwhile is replaced once (the probe has no
    // side effect).
    boost::asio::awaitable<FolderAccessVerdict> Probe(const GatewayContext& context,
                                                      UpstreamConnection& upstream,
                                                      const std::string& target,
                                                      const HttpHeaders& headers)
    {
      const std::optional<std::string> head = SerializeRequestHead("GET", target, headers, BodyFraming::AsIs());
      if (!head)
      {
        co_return FolderAccessVerdict{};   // (the client's fields were checked: not reached)
      }
      for (unsigned int attempt = 0; ; ++attempt)
      {
        bool reused = false;
        if (error_code error = co_await upstream.Acquire(reused))
        {
          if (error != boost::asio::error::operation_aborted)
          {
            context.WarnUpstreamFailure("cannot ask Orthanc at " + upstream.Describe() +
                                        " whether a client may see a folder: " + context.DescribeUpstreamError(error));
          }
          co_return FolderAccessVerdict{};
        }

        http::response_parser<http::string_body> parser;
        parser.header_limit(PROBE_HEADER_LIMIT);
        parser.body_limit(PROBE_BODY_LIMIT);

        error_code error = co_await MessageIo::WriteRequest(upstream.Stream(), context.upstreamTimeout, *head,
                                                            boost::asio::const_buffer());
        upstream.Stream().Tcp().expires_after(context.upstreamTimeout);   // (for the whole answer)
        std::size_t bytes = 0;
        while (!error && !parser.is_done())
        {
          std::tie(error, bytes) = co_await MessageIo::ReadSomeBody(upstream.Stream(), upstream.Buffer(), parser);
        }

        if (!error)
        {
          upstream.Stream().Tcp().expires_never();
          const auto& response = parser.get();
          upstream.Release(parser.keep_alive(), response[http::field::keep_alive]);
          co_return FolderAccessVerdict{static_cast<int>(response.result_int()),
                                        std::string(response[http::field::www_authenticate])};
        }

        upstream.Close();
        const bool staleConnection = reused && attempt == 0 && !parser.got_some() &&
          error != boost::beast::error::timeout && error != boost::asio::error::operation_aborted;
        if (!staleConnection)
        {
          if (error != boost::asio::error::operation_aborted)
          {
            context.WarnUpstreamFailure("no answer from Orthanc at " + upstream.Describe() +
                                        " on whether a client may see a folder: " + context.DescribeUpstreamError(error));
          }
          co_return FolderAccessVerdict{};
        }
      }
    }
  }


  std::string MakeFolderAccessTarget(const std::string& prefix)
  {
    return std::string(PluginRoutes::FOLDER_ACCESS) + prefix;
  }


  HttpHeaders BuildFolderAccessProbeHeaders(const HttpHeaders& client, const ForwardingContext& forwarding)
  {
    HttpHeaders headers = BuildUpstreamRequestHeaders(client, forwarding);
    headers.erase(std::remove_if(headers.begin(), headers.end(),
                                 [](const HttpHeader& header) { return IsPerRequestField(header.name); }),
                  headers.end());
    return headers;
  }


  std::string DigestProbeHeaders(const HttpHeaders& probeHeaders)
  {
    // Names lower-case (they are case-insensitive), fields in order (the order of
    // repeated fields is significant), each part preceded by its length so that
    // no two different headers give the same text.
    std::string canonical;
    for (const HttpHeader& header : probeHeaders)
    {
      canonical += std::to_string(header.name.size()) + ":" + ToLowerAscii(header.name) +
        std::to_string(header.value.size()) + ":" + header.value;
    }

    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_Digest(canonical.data(), canonical.size(), digest, &size, EVP_sha256(), nullptr) != 1)
    {
      throw std::runtime_error("SHA-256 is not available");
    }

    static const char HEX[] = "0123456789abcdef";
    std::string text;
    for (unsigned int i = 0; i < size; i++)
    {
      text.push_back(HEX[digest[i] >> 4]);
      text.push_back(HEX[digest[i] & 0x0f]);
    }
    return text;
  }


  std::optional<LocalResponse> MakeFolderAccessDenial(const FolderAccessVerdict& verdict, const std::string& prefix)
  {
    if (verdict.status >= 200 && verdict.status < 300)
    {
      return std::nullopt;
    }

    if (verdict.status == 401)
    {
      LocalResponse answer = MakeErrorResponse(401, "Orthanc's authentication refuses this client the folder " + prefix);
      if (!verdict.wwwAuthenticate.empty())
      {
        answer.headers.push_back(HttpHeader{"WWW-Authenticate", verdict.wwwAuthenticate});
      }
      return answer;
    }
    if (verdict.status == 403)
    {
      return MakeErrorResponse(403, "Orthanc refuses this client the folder " + prefix);
    }
    return MakeErrorResponse(502, verdict.status == 0 ?
                             "cannot ask Orthanc whether this client may see the folder " + prefix :
                             "Orthanc answered " + std::to_string(verdict.status) +
                             " when asked whether this client may see the folder " + prefix);
  }


  boost::asio::awaitable<FolderAccessVerdict> CheckFolderAccess(const GatewayContext& context,
                                                                UpstreamConnection& upstream,
                                                                const std::string& prefix,
                                                                const HttpHeaders& client,
                                                                const ForwardingContext& forwarding)
  {
    const HttpHeaders probeHeaders = BuildFolderAccessProbeHeaders(client, forwarding);
    const std::string credentials = DigestProbeHeaders(probeHeaders);
    if (std::optional<FolderAccessVerdict> cached = context.folderAccess.Find(credentials, prefix))
    {
      co_return *cached;
    }

    const FolderAccessVerdict verdict = co_await Probe(context, upstream, MakeFolderAccessTarget(prefix), probeHeaders);
    if (verdict.status != 0 && !FolderAccessCache::IsCacheable(verdict.status))
    {
      context.WarnUpstreamFailure("Orthanc answered " + std::to_string(verdict.status) + " to " +
                                  std::string(PluginRoutes::FOLDER_ACCESS) + " for the folder " + prefix +
                                  " (expected 200, 401 or 403): the folder is refused with 502");
    }
    context.folderAccess.Store(credentials, prefix, verdict);
    co_return verdict;
  }
}
