// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

// Shared by the fuzz targets: how raw bytes become inputs, and the invariants
// that must hold whatever the input. A broken invariant aborts, which libFuzzer
// reports as a crash and saves the input.

#include "Policy/CorsEvaluation.h"
#include "../../Plugin/Common/HttpHeaders.h"
#include "Policy/Origin.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace OrthancCors
{
  namespace Fuzzing
  {
    [[noreturn]] inline void Fail(const std::string& invariant)
    {
      std::fprintf(stderr, "Fuzzing invariant broken: %s\n", invariant.c_str());
      std::abort();
    }

    inline void Require(bool condition, const std::string& invariant)
    {
      if (!condition)
      {
        Fail(invariant);
      }
    }

    // What may travel in a header value that the plugin writes: visible ASCII,
    // space and tab; never CR, LF, NUL or a byte outside ASCII.
    inline bool IsSafeFieldValue(std::string_view value)
    {
      for (unsigned char c : value)
      {
        if (!(c == '\t' || (c >= 0x20 && c < 0x7f)))
        {
          return false;
        }
      }
      return true;
    }

    // Every header the plugin produced has a token name and a safe value; at most
    // one Access-Control-Allow-Origin, and it is "*", "null" or the serialization
    // of the request's single Origin (which must then parse as an origin).
    inline void CheckProducedHeaders(const HttpHeaders& produced, const CorsRequest& request)
    {
      for (const HttpHeader& header : produced)
      {
        Require(IsToken(header.name), "header name is a token: " + header.name);
        Require(IsSafeFieldValue(header.value), "header value is safe: " + header.name);
      }

      const auto allowOrigins = GetAll(produced, "Access-Control-Allow-Origin");
      Require(allowOrigins.size() <= 1, "at most one Access-Control-Allow-Origin");
      if (allowOrigins.empty() || allowOrigins[0] == "*")
      {
        return;
      }
      Require(request.origins.size() == 1, "an origin is reflected only when exactly one Origin was sent");
      const OriginParseResult parsed = ParseSerializedOrigin(request.origins[0]);
      Require(parsed.origin.has_value(), "a reflected origin parses as a serialized origin");
      Require(allowOrigins[0] == parsed.origin->Serialize(), "the reflected origin is the parsed origin serialized");
      Require(allowOrigins[0] == request.origins[0], "the reflected origin is byte-identical to the request's");
    }
  }
}
