"""Writes OHIF app-config.js files pointing OHIF's DICOMweb data source at a server."""

import json


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
