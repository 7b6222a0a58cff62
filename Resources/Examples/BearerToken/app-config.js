// SPDX-License-Identifier: AGPL-3.0-or-later
// OHIF 3 app-config.js for shape 3: OHIF on the platform's origin
// (https://viewer.platform.example) obtains a bearer token from the platform's OpenID
// Connect provider and sends it as "Authorization: Bearer ..." on every DICOMweb
// request to Orthanc's gateway. Every such request is preflighted; the gateway answers
// the preflights (see orthanc.json beside this file).
window.config = {
  routerBasename: '/',
  extensions: [],
  modes: [],
  showStudyList: true,
  defaultDataSourceName: 'orthanc',
  oidc: [
    {
      authority: 'https://login.platform.example',
      client_id: 'ohif-viewer',
      redirect_uri: '/callback',
      response_type: 'code',
      scope: 'openid',
      post_logout_redirect_uri: '/logout-redirect.html',
    },
  ],
  dataSources: [
    {
      namespace: '@ohif/extension-default.dataSourcesModule.dicomweb',
      sourceName: 'orthanc',
      configuration: {
        friendlyName: 'Orthanc through the Cors gateway, bearer token',
        name: 'orthanc',
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
