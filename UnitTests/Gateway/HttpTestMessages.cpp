// SPDX-License-Identifier: AGPL-3.0-or-later

#include "HttpTestMessages.h"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace OrthancCors::Testing
{
  namespace http = boost::beast::http;

  namespace
  {
    template <bool isRequest>
    void DescribeHeader(const http::parser<isRequest, http::buffer_body>& parser, ReceivedMessage& message)
    {
      const auto& header = parser.get();
      message.version = header.version();
      message.chunked = parser.chunked();
      for (const auto& field : header)
      {
        message.headers.push_back(HttpHeader{std::string(field.name_string()), std::string(field.value())});
      }
      if constexpr (isRequest)
      {
        message.method = std::string(header.method_string());
        message.target = std::string(header.target());
      }
      else
      {
        message.status = header.result_int();
        message.reason = std::string(header.reason());
      }
    }

    void Consume(ReceivedMessage& message, const char* data, std::size_t size, const ReadOptions& options)
    {
      for (std::size_t i = 0; i < size && message.patternIntact; i++)
      {
        if (data[i] != PatternByte(message.bodyBytes + i))
        {
          message.patternIntact = false;
        }
      }
      if (message.body.size() < options.keepLimit)
      {
        message.body.append(data, std::min(size, options.keepLimit - message.body.size()));
      }
      message.bodyBytes += size;
    }

    template <bool isRequest>
    ReceivedMessage ReadMessage(TestSocket& socket, std::string& pending, const ReadOptions& options)
    {
      ReceivedMessage message;
      http::parser<isRequest, http::buffer_body> parser;
      parser.body_limit(boost::none);
      parser.header_limit(1024 * 1024);
      parser.eager(true);
      parser.skip(options.skipBody);
      std::vector<char> scratch(64 * 1024);
      bool headerDescribed = false;

      for (;;)
      {
        while (!pending.empty() && !parser.is_done())
        {
          parser.get().body().data = scratch.data();
          parser.get().body().size = scratch.size();
          boost::system::error_code error;
          const std::size_t used = parser.put(boost::asio::buffer(pending), error);
          pending.erase(0, used);
          const std::size_t produced = scratch.size() - parser.get().body().size;
          if (parser.is_header_done() && !headerDescribed)
          {
            DescribeHeader(parser, message);
            headerDescribed = true;
          }
          Consume(message, scratch.data(), produced, options);
          if (error == http::error::need_buffer)
          {
            continue;
          }
          if (error == http::error::need_more)
          {
            break;
          }
          if (error)
          {
            message.error = error.message();
            return message;
          }
          if (used == 0 && produced == 0)
          {
            break;
          }
        }
        if (parser.is_done())
        {
          break;
        }

        const long received = socket.Receive(pending, options.timeout);
        if (received == 0)
        {
          if (!parser.got_some())
          {
            message.error = "connection closed";
            return message;
          }
          boost::system::error_code error;
          parser.put_eof(error);
          if (!error && parser.is_done())
          {
            break;
          }
          message.error = headerDescribed ? "connection closed in the body" : "connection closed";
          return message;
        }
        if (received < 0)
        {
          message.error = "timeout";
          return message;
        }
      }

      if (!headerDescribed)
      {
        DescribeHeader(parser, message);
      }
      message.complete = true;
      return message;
    }
  }


  std::string ReceivedMessage::Get(std::string_view name) const
  {
    const std::vector<std::string> values = GetAll(headers, name);
    return values.empty() ? std::string() : values.front();
  }


  std::size_t ReceivedMessage::Count(std::string_view name) const
  {
    return GetAll(headers, name).size();
  }


  ReceivedMessage ReadRequest(TestSocket& socket, std::string& pending, const ReadOptions& options)
  {
    return ReadMessage<true>(socket, pending, options);
  }


  ReceivedMessage ReadResponse(TestSocket& socket, std::string& pending, const ReadOptions& options)
  {
    return ReadMessage<false>(socket, pending, options);
  }


  char PatternByte(uint64_t offset)
  {
    // Position-dependent, so that a lost, duplicated or reordered piece shows.
    return static_cast<char>((offset * 7 + offset / 65521) & 0xff);
  }


  std::string MakePattern(uint64_t offset, std::size_t size)
  {
    std::string data(size, '\0');
    for (std::size_t i = 0; i < size; i++)
    {
      data[i] = PatternByte(offset + i);
    }
    return data;
  }


  bool SendPattern(TestSocket& socket, uint64_t size, bool chunked, std::size_t chunkSize)
  {
    for (uint64_t offset = 0; offset < size; )
    {
      const std::size_t piece = static_cast<std::size_t>(std::min<uint64_t>(chunkSize, size - offset));
      std::string data = MakePattern(offset, piece);
      if (chunked)
      {
        char sizeLine[32];
        std::snprintf(sizeLine, sizeof(sizeLine), "%zx\r\n", piece);
        data = sizeLine + data + "\r\n";
      }
      if (!socket.SendAll(data))
      {
        return false;
      }
      offset += piece;
    }
    return !chunked || socket.SendAll("0\r\n\r\n");
  }
}
