// SPDX-License-Identifier: AGPL-3.0-or-later

#include "../../Plugin/Common/Metrics.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

using namespace OrthancCors;

namespace
{
  // The configuration reference, which lists the metrics, from the root of the source tree,
  // two levels above this file.
  std::string ReadConfigurationReference()
  {
    const std::filesystem::path path =
      std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "Resources" / "Documentation" / "Configuration.md";
    std::ifstream file(path);
    std::stringstream content;
    content << file.rdbuf();
    return content.str();
  }
}


TEST(Metrics, NamesAreUniquePrefixedAndReadInTheOrderDescribed)
{
  const std::vector<MetricDescription> described = CorsMetrics::Describe();
  const CorsMetrics metrics;
  const std::vector<MetricValue> values = metrics.Read();
  ASSERT_EQ(described.size(), values.size());
  std::set<std::string> names;
  for (std::size_t i = 0; i < described.size(); i++)
  {
    EXPECT_EQ(described[i].name, values[i].name);
    EXPECT_EQ(0.0, values[i].value) << values[i].name;
    EXPECT_EQ(0u, described[i].name.find("orthanc_cors_")) << described[i].name;
    EXPECT_FALSE(described[i].meaning.empty()) << described[i].name;
    EXPECT_TRUE(names.insert(described[i].name).second) << "twice: " << described[i].name;
  }
}


TEST(Metrics, ConfigurationReferenceListsEveryMetricWithItsMeaning)
{
  const std::string reference = ReadConfigurationReference();
  ASSERT_FALSE(reference.empty());
  for (const MetricDescription& metric : CorsMetrics::Describe())
  {
    EXPECT_NE(std::string::npos, reference.find("| `" + metric.name + "` | " + metric.meaning + " |"))
      << metric.name << " is not in Resources/Documentation/Configuration.md's metrics table";
  }
}


TEST(Metrics, ValuesAreReadBackAsCounted)
{
  CorsMetrics metrics;
  metrics.preflightsAllowed.Add(3);
  metrics.CountRelayedStatus(204);
  metrics.CountRelayedStatus(404);
  metrics.CountRelayedStatus(503);
  metrics.CountRelay(std::chrono::milliseconds(1500));
  metrics.CountRelay(std::chrono::milliseconds(500));
  metrics.clientConnections.Increment();
  metrics.clientConnections.Increment();
  metrics.clientConnections.Decrement();

  std::map<std::string, double> read;
  for (const MetricValue& value : metrics.Read())
  {
    read[value.name] = value.value;
  }
  EXPECT_EQ(3.0, read["orthanc_cors_preflights_allowed_total"]);
  EXPECT_EQ(1.0, read["orthanc_cors_relayed_responses_2xx_total"]);
  EXPECT_EQ(1.0, read["orthanc_cors_relayed_responses_4xx_total"]);
  EXPECT_EQ(1.0, read["orthanc_cors_relayed_responses_5xx_total"]);
  EXPECT_EQ(2.0, read["orthanc_cors_relay_seconds_count"]);
  EXPECT_DOUBLE_EQ(2.0, read["orthanc_cors_relay_seconds_sum"]);
  EXPECT_EQ(1.0, read["orthanc_cors_client_connections"]);
}
