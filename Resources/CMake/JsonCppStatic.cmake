# SPDX-License-Identifier: AGPL-3.0-or-later
# STATIC_BUILD: JsonCpp 1.9.5 compiled into the plugin, so that the plugin needs no
# libjsoncpp.so (the orthancteam Docker image ships another JsonCpp than Debian's).
# Debian ships no static JsonCpp: the upstream tarball comes from Debian's source
# package (Resources/fetch-jsoncpp-source.sh) and is cached, so that only the first
# configure needs the network. Defines OrthancCors::JsonCpp.
#
# Its symbols stay inside the plugin: compiled with hidden visibility, and the
# plugin's version script makes everything but the four entry points local anyway.

include(ExternalProject)

set(JSONCPP_STATIC_VERSION 1.9.5)
set(JSONCPP_STATIC_TARBALL_NAME libjsoncpp_${JSONCPP_STATIC_VERSION}.orig.tar.gz)
# Checksums-Sha256 of the .dsc of Debian's libjsoncpp 1.9.5-4 (bookworm); also the
# SHA-256 of upstream's jsoncpp 1.9.5 release tarball.
set(JSONCPP_STATIC_SHA256 f409856e5920c18d0c2fb85276e24ee607d2a09b5e7d5f0a371368903c275da2)

set(JSONCPP_SOURCE_TARBALL "" CACHE FILEPATH
  "Optional: an already downloaded ${JSONCPP_STATIC_TARBALL_NAME} (offline builds); checked against the pinned SHA-256")
set(ORTHANC_CORS_DOWNLOAD_CACHE "${CMAKE_SOURCE_DIR}/.cache" CACHE PATH
  "Where STATIC_BUILD keeps the downloaded JsonCpp source tarball between configures")

function(orthanc_cors_tarball_is_valid path result)
  set(${result} FALSE PARENT_SCOPE)
  if(EXISTS "${path}")
    file(SHA256 "${path}" actual)
    if(actual STREQUAL JSONCPP_STATIC_SHA256)
      set(${result} TRUE PARENT_SCOPE)
    endif()
  endif()
endfunction()

if(JSONCPP_SOURCE_TARBALL)
  set(jsoncpp_tarball "${JSONCPP_SOURCE_TARBALL}")
else()
  set(jsoncpp_tarball "${ORTHANC_CORS_DOWNLOAD_CACHE}/${JSONCPP_STATIC_TARBALL_NAME}")
  orthanc_cors_tarball_is_valid("${jsoncpp_tarball}" cached)
  if(NOT cached)
    message(STATUS "STATIC_BUILD: downloading JsonCpp ${JSONCPP_STATIC_VERSION} from Debian's source package libjsoncpp")
    execute_process(
      COMMAND bash ${CMAKE_SOURCE_DIR}/Resources/fetch-jsoncpp-source.sh
              "${jsoncpp_tarball}" "${CMAKE_BINARY_DIR}/jsoncpp-apt"
      RESULT_VARIABLE fetch_result)
    if(NOT fetch_result EQUAL 0)
      message(FATAL_ERROR "STATIC_BUILD: could not fetch ${JSONCPP_STATIC_TARBALL_NAME} "
        "(Resources/fetch-jsoncpp-source.sh failed, see above). Without network access, "
        "pass -DJSONCPP_SOURCE_TARBALL=/path/to/${JSONCPP_STATIC_TARBALL_NAME}.")
    endif()
  endif()
endif()

orthanc_cors_tarball_is_valid("${jsoncpp_tarball}" valid)
if(NOT valid)
  message(FATAL_ERROR "STATIC_BUILD: ${jsoncpp_tarball} is missing or its SHA-256 is not "
    "${JSONCPP_STATIC_SHA256} (JsonCpp ${JSONCPP_STATIC_VERSION})")
endif()
message(STATUS "STATIC_BUILD: JsonCpp ${JSONCPP_STATIC_VERSION} from ${jsoncpp_tarball}")

# A separate CMake project rather than add_subdirectory: JsonCpp's CMakeLists sets
# cache variables (ccache launcher, BUILD_SHARED_LIBS...) and install rules that
# must not leak into ours.
set(jsoncpp_prefix "${CMAKE_BINARY_DIR}/jsoncpp-static")
set(jsoncpp_library "${jsoncpp_prefix}/lib/${CMAKE_STATIC_LIBRARY_PREFIX}jsoncpp${CMAKE_STATIC_LIBRARY_SUFFIX}")
set(jsoncpp_build_type "${CMAKE_BUILD_TYPE}")
if(NOT jsoncpp_build_type)
  set(jsoncpp_build_type Release)
endif()

set(jsoncpp_extract_options)
if(CMAKE_VERSION VERSION_GREATER_EQUAL 3.24)
  set(jsoncpp_extract_options DOWNLOAD_EXTRACT_TIMESTAMP TRUE)
endif()

ExternalProject_Add(JsonCppStaticBuild
  URL "${jsoncpp_tarball}"
  URL_HASH SHA256=${JSONCPP_STATIC_SHA256}
  ${jsoncpp_extract_options}
  PREFIX "${CMAKE_BINARY_DIR}/jsoncpp-static-build"
  INSTALL_DIR "${jsoncpp_prefix}"
  CMAKE_ARGS
    -DCMAKE_INSTALL_PREFIX=<INSTALL_DIR>
    -DCMAKE_INSTALL_LIBDIR=lib
    -DCMAKE_INSTALL_INCLUDEDIR=include
    -DCMAKE_INSTALL_MESSAGE=NEVER
    -DCMAKE_BUILD_TYPE=${jsoncpp_build_type}
    -DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER}
    -DCMAKE_POSITION_INDEPENDENT_CODE=ON
    -DCMAKE_CXX_VISIBILITY_PRESET=hidden
    -DCMAKE_VISIBILITY_INLINES_HIDDEN=ON
    -DBUILD_SHARED_LIBS=OFF
    -DBUILD_STATIC_LIBS=ON
    -DBUILD_OBJECT_LIBS=OFF
    -DJSONCPP_WITH_TESTS=OFF
    -DJSONCPP_WITH_POST_BUILD_UNITTEST=OFF
    -DJSONCPP_WITH_PKGCONFIG_SUPPORT=OFF
    -DJSONCPP_WITH_CMAKE_PACKAGE=OFF
    -DJSONCPP_WITH_EXAMPLE=OFF
  BUILD_BYPRODUCTS "${jsoncpp_library}")

# An imported target's include folder must exist when CMake generates; the
# install step fills it before anything that includes <json/json.h> compiles.
file(MAKE_DIRECTORY "${jsoncpp_prefix}/include")

add_library(OrthancCorsJsonCppStatic STATIC IMPORTED GLOBAL)
set_target_properties(OrthancCorsJsonCppStatic PROPERTIES
  IMPORTED_LOCATION "${jsoncpp_library}"
  INTERFACE_INCLUDE_DIRECTORIES "${jsoncpp_prefix}/include")
add_dependencies(OrthancCorsJsonCppStatic JsonCppStaticBuild)
add_library(OrthancCors::JsonCpp ALIAS OrthancCorsJsonCppStatic)
