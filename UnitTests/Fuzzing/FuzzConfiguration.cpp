// SPDX-License-Identifier: AGPL-3.0-or-later
// Configuration parsing: JSON text (Orthanc's whole configuration) -> ParseConfiguration.
// Invariants: anything wrong is a ConfigurationError naming a "Cors" key (never
// another exception, a crash or a hang); an accepted configuration describes
// itself in JSON that parses back to the same description.

#include "FuzzSupport.h"
#include "Configuration/Configuration.h"
#include "Configuration/ConfigurationError.h"

#include <cstdio>
#include <json/json.h>
#include <memory>

using namespace OrthancCors;
using namespace OrthancCors::Fuzzing;

namespace
{
  std::optional<Configuration> ParseOrNothing(const Json::Value& orthanc)
  {
    try
    {
      return ParseConfiguration(orthanc);
    }
    catch (const ConfigurationError& error)
    {
      Require(!error.GetKey().empty(), "a configuration error names a key");
      return std::nullopt;
    }
  }

  // The description without what is read from Orthanc's own settings and what
  // the describer adds (the documented differences between a description and a
  // "Cors" section).
  Json::Value AsSection(Json::Value description)
  {
    description.removeMember("Upstream");
    if (description.isMember("Gateway") && description["Gateway"].isObject())
    {
      description["Gateway"].removeMember("BindAddressForcedToLoopback");
    }
    // Each folder's frame headers are computed from its settings, never read.
    if (description.isMember("Folders") && description["Folders"].isObject())
    {
      for (const std::string& prefix : description["Folders"].getMemberNames())
      {
        if (description["Folders"][prefix].isObject())
        {
          description["Folders"][prefix].removeMember("FrameHeaders");
        }
      }
    }
    return description;
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  const char* begin = reinterpret_cast<const char*>(data);
  Json::CharReaderBuilder builder;
  builder["stackLimit"] = 64;
  const std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  Json::Value orthanc;
  std::string errors;
  try
  {
    if (!reader->parse(begin, begin + size, &orthanc, &errors))
    {
      return 0;
    }
  }
  catch (const Json::Exception&)
  {
    return 0;   // JsonCpp throws past stackLimit: Orthanc's own reading, not the plugin's
  }

  const std::optional<Configuration> configuration = ParseOrNothing(orthanc);
  if (!configuration)
  {
    return 0;
  }

  const Json::Value description = AsSection(DescribeConfiguration(*configuration));
  Json::Value again = orthanc;
  again["Cors"] = description;
  std::optional<Configuration> reparsed;
  try
  {
    reparsed = ParseConfiguration(again);
  }
  catch (const ConfigurationError& error)
  {
    Fail(std::string("the description of an accepted configuration is accepted: ") + error.what());
  }
  Require(reparsed.has_value(), "the description has a Cors section");
  const Json::Value described = AsSection(DescribeConfiguration(*reparsed));
  if (!(described == description))
  {
    std::fprintf(stderr, "first description:\n%s\nsecond description:\n%s\n",
                 description.toStyledString().c_str(), described.toStyledString().c_str());
    Fail("the description parses back to itself");
  }
  return 0;
}
