// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "../Common/HttpHeaders.h"

#include <orthanc/OrthancCPlugin.h>

#include <json/value.h>

#include <string>
#include <string_view>

namespace OrthancCors
{
  // Conversions between Orthanc's C request structures and the SDK-free types.
  HttpHeaders ToHttpHeaders(uint32_t count, const char* const* keys, const char* const* values);
  HttpHeaders ToHttpHeaders(const OrthancPluginHttpRequest& request);
  const char* GetMethodName(OrthancPluginHttpMethod method);

  // How the running Orthanc writes a plugin's answer; it changed between the
  // versions users run (measured with 1.10.1 and 1.13.0; Orthanc's NEWS dates each
  // change):
  struct OrthancAnswerWriting
  {
    // 1.12.2 and later: a body sent with OrthancPluginSendHttpStatus gets
    // "Content-Type: text/plain" (Orthanc's own content type was never set: only
    // OrthancPluginAnswerBuffer sets it); a Content-Type set with
    // OrthancPluginSetHttpHeader is just another field, so the answer has two, and a
    // browser keeps the last one (a precompressed script served as text/plain).
    bool typesStatusBodiesAsText = false;

    // HttpCompressionEnabled as Orthanc resolves it (true by default up to 1.12.1,
    // false since 1.12.2): OrthancPluginAnswerBuffer then compresses the body on the
    // fly, adding its own Content-Encoding, even to a body that already has one.
    bool compressesAnswers = true;

    // Whether a body already encoded (a precompressed sibling) can be sent as it is,
    // with one Content-Type and one Content-Encoding. When not, the folder is served
    // without its siblings on Orthanc's port and Orthanc compresses the originals.
    bool CanSendEncodedBodies() const { return !typesStatusBodiesAsText || !compressesAnswers; }

    // Whether ranges can be served: a 206 goes through OrthancPluginSendHttpStatus
    // (OrthancPluginAnswerBuffer always sends 200), which must leave its
    // Content-Type alone; and the 200s must not be compressed on the fly, which
    // would give the compressed and the plain bytes one ETag, so that a resumed
    // download (If-Range, Range) would splice plain bytes onto compressed ones.
    // When not, Range is ignored on Orthanc's port; the gateway serves it.
    bool CanSendPartialContent() const { return !typesStatusBodiesAsText && !compressesAnswers; }
  };

  OrthancAnswerWriting DetectAnswerWriting(OrthancPluginContext* context, const Json::Value& orthancConfiguration);

  // Sends a status with a body and the given extra headers, written as
  // `writing` says the running Orthanc needs.
  void AnswerWithHeaders(OrthancPluginContext* context,
                         OrthancPluginRestOutput* output,
                         const OrthancAnswerWriting& writing,
                         int status,
                         const HttpHeaders& headers,
                         std::string_view body,
                         const std::string& defaultContentType);
}
