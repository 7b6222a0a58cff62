// SPDX-License-Identifier: AGPL-3.0-or-later

#include "OrthancSettings.h"

#include "ConfigurationKeys.h"
#include "ConfigurationObject.h"
#include "UriPrefixCheck.h"

namespace OrthancCors
{
  namespace
  {
    using namespace ConfigurationKeys::Orthanc;

    std::string NormalizeDicomWebRoot(const std::string& root)
    {
      std::string normalized = root;
      if (normalized.empty() || normalized[0] != '/')
      {
        normalized.insert(normalized.begin(), '/');
      }
      return WithTrailingSlash(normalized);
    }
  }

  UpstreamSettings ReadOrthancSettings(const Json::Value& orthancConfiguration)
  {
    const ConfigurationObject orthanc(orthancConfiguration, "");
    UpstreamSettings upstream;

    upstream.httpPort = static_cast<uint16_t>(orthanc.GetInteger(HTTP_PORT, 8042, 1, 65535));
    upstream.httpServerEnabled = orthanc.GetBoolean(HTTP_SERVER_ENABLED, true);
    upstream.sslEnabled = orthanc.GetBoolean(SSL_ENABLED, false);
    upstream.remoteAccessAllowed = orthanc.GetBoolean(REMOTE_ACCESS_ALLOWED, false);
    upstream.authenticationEnabled = orthanc.GetBoolean(AUTHENTICATION_ENABLED, upstream.remoteAccessAllowed);

    if (orthanc.Has(DICOM_WEB))
    {
      const ConfigurationObject dicomWeb(orthanc.Get(DICOM_WEB), DICOM_WEB);
      upstream.dicomWebRoot = NormalizeDicomWebRoot(dicomWeb.GetString(DICOM_WEB_ROOT, "/dicom-web/"));
      CheckUriPrefix(upstream.dicomWebRoot, dicomWeb.KeyOf(DICOM_WEB_ROOT));
    }

    return upstream;
  }
}
