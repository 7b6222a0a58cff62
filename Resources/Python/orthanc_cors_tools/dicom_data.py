# SPDX-License-Identifier: AGPL-3.0-or-later
"""Test data without any download: a small CT series created through Orthanc's own
REST API (POST /tools/create-dicom) from 16-bit greyscale PNG slices generated here."""

import base64
import struct
import uuid
import zlib

CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2"
RESCALE_INTERCEPT = -1024


def new_uid():
    """A DICOM UID derived from a random UUID (ISO/IEC 9834-8, the 2.25 root)."""
    return "2.25.%d" % uuid.uuid4().int


def _png_grey16_file(scanlines, rows, columns, compression):
    """The PNG file (colour type 0, bit depth 16) around raw scanlines, each led by
    its filter-type byte."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", columns, rows, 16, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(scanlines, compression)) + chunk(b"IEND", b""))


def png_grey16(pixels, rows, columns):
    """A 16-bit greyscale PNG of `pixels` (row-major list of ints in 0..65535)."""
    raw = bytearray()
    for row in range(rows):
        raw.append(0)   # filter type "None" for each scanline
        line = pixels[row * columns:(row + 1) * columns]
        raw += struct.pack(">%dH" % columns, *line)
    return _png_grey16_file(bytes(raw), rows, columns, 6)


def flat_png16(side, level):
    """A 16-bit greyscale PNG, side x side, each row a ramp offset by `level`:
    compresses to almost nothing, decodes to side * side * 2 bytes of pixel data
    (large instances without building their pixels in Python)."""
    row = b"\x00" + b"".join(struct.pack(">H", (level + column) & 0xFFFF) for column in range(side))
    return _png_grey16_file(row * side, side, side, 1)


def phantom_slice(index, slices, rows, columns):
    """Stored values (HU + 1024) of a simple phantom: air around a water-like
    disc with a bone-like ring and an inner disc whose radius changes along the
    series, plus a faint gradient, so that every slice is different and not blank."""
    centre_row, centre_column = (rows - 1) / 2.0, (columns - 1) / 2.0
    body = 0.45 * min(rows, columns)
    # The inner disc grows then shrinks along the series (a sphere seen in slices).
    position = (index + 0.5) / slices
    inner = 0.25 * min(rows, columns) * (1.0 - abs(2.0 * position - 1.0)) + 2
    pixels = []
    for row in range(rows):
        for column in range(columns):
            distance = ((row - centre_row) ** 2 + (column - centre_column) ** 2) ** 0.5
            if distance > body:
                hu = -1000
            elif distance > body - 3:
                hu = 700                          # bone-like ring
            elif distance < inner:
                hu = 300 + 10 * index             # contrast-like sphere
            else:
                hu = 40 + (row * 20) // rows      # soft tissue with a gradient
            pixels.append(max(0, hu - RESCALE_INTERCEPT))
    return pixels


def create_ct_series(instance, slices=8, rows=128, columns=128, patient_id=None,
                     patient_name="CORS^PHANTOM", study_description="CORS integration test",
                     verify_with_qido=None):
    """Creates a CT series of `slices` axial slices in `instance` (an OrthancInstance)
    through POST /tools/create-dicom ("Force": true so that the UIDs are ours).

    Returns a dict: PatientID, StudyInstanceUID, SeriesInstanceUID, SOPInstanceUIDs
    (in slice order), OrthancInstanceIds, OrthancSeriesId, OrthancStudyId.
    With verify_with_qido (default: when the DICOMweb plugin is loaded), checks
    that QIDO-RS lists the study and the series."""
    patient_id = patient_id or "CORS-" + uuid.uuid4().hex[:8].upper()
    study_uid, series_uid, frame_of_reference_uid = new_uid(), new_uid(), new_uid()
    spacing, thickness = 1.5, 2.5
    sop_uids, instance_ids = [], []
    for index in range(slices):
        sop_uid = new_uid()
        z = -index * thickness
        png = png_grey16(phantom_slice(index, slices, rows, columns), rows, columns)
        request = {
            "Force": True,
            "Tags": {
                "PatientID": patient_id,
                "PatientName": patient_name,
                "PatientBirthDate": "19700101",
                "PatientSex": "O",
                "StudyInstanceUID": study_uid,
                "StudyDate": "20240101",
                "StudyTime": "120000",
                "StudyDescription": study_description,
                "StudyID": "1",
                "AccessionNumber": "CORS1",
                "ReferringPhysicianName": "",
                "SeriesInstanceUID": series_uid,
                "SeriesNumber": "1",
                "SeriesDescription": "Axial phantom",
                "Modality": "CT",
                "BodyPartExamined": "CHEST",
                "SOPClassUID": CT_IMAGE_STORAGE,
                "SOPInstanceUID": sop_uid,
                "InstanceNumber": str(index + 1),
                "FrameOfReferenceUID": frame_of_reference_uid,
                "PositionReferenceIndicator": "",
                "ImageType": "ORIGINAL\\PRIMARY\\AXIAL",
                "ImagePositionPatient": "%g\\%g\\%g" % (-spacing * columns / 2, -spacing * rows / 2, z),
                "ImageOrientationPatient": "1\\0\\0\\0\\1\\0",
                "SliceLocation": "%g" % z,
                "PixelSpacing": "%g\\%g" % (spacing, spacing),
                "SliceThickness": "%g" % thickness,
                "KVP": "120",
                "RescaleIntercept": str(RESCALE_INTERCEPT),
                "RescaleSlope": "1",
                "RescaleType": "HU",
                "WindowCenter": "40",
                "WindowWidth": "400",
            },
            "Content": "data:image/png;base64," + base64.b64encode(png).decode("ascii"),
        }
        answer = instance.api("POST", "/tools/create-dicom", request)
        sop_uids.append(sop_uid)
        instance_ids.append(answer["ID"])

    series = instance.api("GET", "/instances/%s/series" % instance_ids[0])
    if len(series["Instances"]) != slices:
        raise AssertionError("series %s holds %d instances, %d created"
                             % (series_uid, len(series["Instances"]), slices))
    result = {
        "PatientID": patient_id,
        "StudyInstanceUID": study_uid,
        "SeriesInstanceUID": series_uid,
        "SOPInstanceUIDs": sop_uids,
        "OrthancInstanceIds": instance_ids,
        "OrthancSeriesId": series["ID"],
        "OrthancStudyId": series["ParentStudy"],
    }

    if verify_with_qido is None:
        verify_with_qido = any(plugin.endswith("libOrthancDicomWeb.so") for plugin in instance.plugins)
    if verify_with_qido:
        verify_series_with_qido(instance, result, slices)
    return result


def verify_series_with_qido(instance, series, slices):
    """QIDO-RS on Orthanc's port lists the study and the series with `slices` instances."""
    studies = instance.api("GET", "/dicom-web/studies?StudyInstanceUID=" + series["StudyInstanceUID"])
    if len(studies) != 1 or studies[0]["0020000D"]["Value"][0] != series["StudyInstanceUID"]:
        raise AssertionError("QIDO-RS does not list study %s: %r" % (series["StudyInstanceUID"], studies))
    found = instance.api("GET", "/dicom-web/studies/%s/series" % series["StudyInstanceUID"])
    uids = [entry["0020000E"]["Value"][0] for entry in found]
    if uids != [series["SeriesInstanceUID"]]:
        raise AssertionError("QIDO-RS lists series %r, expected [%s]" % (uids, series["SeriesInstanceUID"]))
    count = found[0].get("00201209", {}).get("Value", [None])[0]   # NumberOfSeriesRelatedInstances
    if count is not None and int(count) != slices:
        raise AssertionError("QIDO-RS says the series has %r instances, expected %d" % (count, slices))


def create_unstored_instances(instance, count):
    """DICOM files `instance` does not hold, for upload tests: a small CT series
    created, downloaded, then deleted. Returns (Orthanc instance ids, file contents)."""
    created = create_ct_series(instance, slices=count, rows=32, columns=32, verify_with_qido=False)
    files = []
    for instance_id in created["OrthancInstanceIds"]:
        files.append(instance.request("GET", "/instances/%s/file" % instance_id,
                                      headers=instance.authorization_header()).body)
        instance.api("DELETE", "/instances/" + instance_id)
    return created["OrthancInstanceIds"], files
