#include "OrthancSettings.h"

#include "ConfigurationObject.h"
#include "UriPrefix.h"

namespace OrthancCors
{
  namespace
  {
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

    upstream.httpPort = static_cast<uint16_t>(orthanc.GetInteger("HttpPort", 8042, 1, 65535));
    upstream.httpServerEnabled = orthanc.GetBoolean("HttpServerEnabled", true);
    upstream.sslEnabled = orthanc.GetBoolean("SslEnabled", false);
    upstream.remoteAccessAllowed = orthanc.GetBoolean("RemoteAccessAllowed", false);
    upstream.authenticationEnabled = orthanc.GetBoolean("AuthenticationEnabled", upstream.remoteAccessAllowed);

    if (orthanc.Has("DicomWeb"))
    {
      const ConfigurationObject dicomWeb(orthanc.Get("DicomWeb"), "DicomWeb");
      upstream.dicomWebRoot = NormalizeDicomWebRoot(dicomWeb.GetString("Root", "/dicom-web/"));
      CheckUriPrefix(upstream.dicomWebRoot, dicomWeb.KeyOf("Root"));
    }

    return upstream;
  }
}
