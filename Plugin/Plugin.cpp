// SPDX-License-Identifier: AGPL-3.0-or-later
// The four entry points Orthanc looks up; everything else lives in CorsPlugin.

#include "Common/ExceptionBarrier.h"
#include "OrthancPort/CorsPlugin.h"

#include <orthanc/OrthancCPlugin.h>

#include <string>

extern "C"
{
  ORTHANC_PLUGINS_API int32_t OrthancPluginInitialize(OrthancPluginContext* context)
  {
    return OrthancCors::CallWithoutThrowing<int32_t>(-1, [&]() -> int32_t
    {
      if (OrthancPluginCheckVersion(context) == 0)
      {
        const std::string message =
          "Your version of Orthanc (" + std::string(context->orthancVersion) + ") must be above " +
          std::to_string(ORTHANC_PLUGINS_MINIMAL_MAJOR_NUMBER) + "." +
          std::to_string(ORTHANC_PLUGINS_MINIMAL_MINOR_NUMBER) + "." +
          std::to_string(ORTHANC_PLUGINS_MINIMAL_REVISION_NUMBER) + " to run the Cors plugin";
        OrthancPluginLogError(context, message.c_str());
        return -1;
      }

      OrthancPluginSetDescription(context, "Makes Orthanc a correct and secure cross-origin (CORS) "
                                  "DICOMweb server: a gateway port answering preflights, "
                                  "a foreign-origin guard, and viewer folders with cross-origin isolation.");
      return OrthancCors::CorsPlugin::Initialize(context);
    }, [&](const char* what) -> int32_t
    {
      OrthancPluginLogError(context, (std::string("Cors: cannot start: ") + what).c_str());
      return -1;
    });
  }

  ORTHANC_PLUGINS_API void OrthancPluginFinalize()
  {
    OrthancCors::CallWithoutThrowing(0, []
    {
      OrthancCors::CorsPlugin::Finalize();
      return 0;
    }, [](const char*) { return 0; });
  }

  ORTHANC_PLUGINS_API const char* OrthancPluginGetName()
  {
    return "cors";
  }

  ORTHANC_PLUGINS_API const char* OrthancPluginGetVersion()
  {
    return ORTHANC_CORS_VERSION;
  }
}
