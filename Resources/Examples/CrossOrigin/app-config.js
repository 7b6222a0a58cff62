// SPDX-License-Identifier: AGPL-3.0-or-later
// OHIF 3 app-config.js for shape 1: OHIF at https://viewer.hospital.example, DICOMweb
// at Orthanc's gateway on another origin (see orthanc.json beside this file).
window.config = {
  routerBasename: '/',
  extensions: [],
  modes: [],
  showStudyList: true,
  defaultDataSourceName: 'orthanc',
  dataSources: [
    {
      namespace: '@ohif/extension-default.dataSourcesModule.dicomweb',
      sourceName: 'orthanc',
      configuration: {
        friendlyName: 'Orthanc through the Cors gateway',
        name: 'orthanc',
        // The gateway's port, never Orthanc's own 8042 (no answer to preflights there).
        wadoUriRoot: 'https://pacs.hospital.example:8043/wado',
        qidoRoot: 'https://pacs.hospital.example:8043/dicom-web',
        wadoRoot: 'https://pacs.hospital.example:8043/dicom-web',
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
      },
    },
  ],
};
