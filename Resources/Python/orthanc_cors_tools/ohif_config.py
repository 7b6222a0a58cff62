# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes OHIF app-config.js files pointing OHIF's DICOMweb data source at a server,
and copies of OHIF's build with their own app-config.js, for a server (the gateway)
that serves a folder's files as they are."""

import json
import os
import shutil


def make_app_config(dicomweb_root, wado_uri_root=None, quoted_multipart=True, extra_script="",
                    friendly_name="Orthanc through the Cors plugin"):
    """The text of an app-config.js whose only data source is `dicomweb_root`.

    quoted_multipart=True keeps OHIF's standard `multipart/related; type="application/octet-stream"`
    Accept header, whose quotes make every retrieve a preflighted request.
    """
    wado_uri_root = wado_uri_root or dicomweb_root.rsplit("/", 1)[0] + "/wado"
    return """window.config = {
  routerBasename: '/',
  extensions: [],
  modes: [],
  showStudyList: true,
  maxNumberOfWebWorkers: 2,
  showWarningMessageForCrossOrigin: false,
  showCPUFallbackMessage: false,
  showLoadingIndicator: true,
  strictZSpacingForVolumeViewport: true,
  defaultDataSourceName: 'orthanc',
  investigationalUseDialog: { option: 'never' },
  dataSources: [
    {
      namespace: '@ohif/extension-default.dataSourcesModule.dicomweb',
      sourceName: 'orthanc',
      configuration: {
        friendlyName: %(friendly_name)s,
        name: 'orthanc',
        wadoUriRoot: %(wado_uri_root)s,
        qidoRoot: %(dicomweb_root)s,
        wadoRoot: %(dicomweb_root)s,
        qidoSupportsIncludeField: false,
        supportsReject: false,
        imageRendering: 'wadors',
        thumbnailRendering: 'wadors',
        enableStudyLazyLoad: true,
        supportsFuzzyMatching: false,
        supportsWildcard: true,
        staticWado: false,
        singlepart: 'bulkdata,video',
        bulkDataURI: { enabled: true },
        omitQuotationForMultipartRequest: %(omit_quotes)s,
      },
    },
  ],
};
%(extra_script)s
""" % {"dicomweb_root": json.dumps(dicomweb_root), "wado_uri_root": json.dumps(wado_uri_root),
       "omit_quotes": "false" if quoted_multipart else "true", "extra_script": extra_script,
       "friendly_name": json.dumps(friendly_name)}


def make_viewer_copy(ohif_dist, target, app_config_text):
    """A copy of OHIF's build at `target` with `app_config_text` as its app-config.js.
    Made of hard links where the file system allows (the build is 200 MB); app-config.js
    is replaced, never written through a link into the original."""
    def link_or_copy(from_path, to_path):
        try:
            os.link(from_path, to_path)
        except OSError:
            shutil.copy2(from_path, to_path)
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(ohif_dist, target, copy_function=link_or_copy)
    app_config = os.path.join(target, "app-config.js")
    os.remove(app_config)
    with open(app_config, "w", encoding="utf-8") as output:
        output.write(app_config_text)
