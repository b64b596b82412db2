"""Validate a .docx against the ECMA-376 Transitional schemas, read as Word reads them.

The schemas in ``tests/ooxml-schemas/`` are unmodified Ecma copies (see the
README there).  Two adjustments are made to an in-memory copy of ``wml.xsd``,
as Word and the Open XML SDK read it: run properties (``w:rPr``) in the
ECMA-376 1st edition's order rather than ISO 29500's unordered choice, and
``w:zoom/@w:percent`` optional.  Before validation, markup compatibility is
applied as Word applies it: elements and attributes of ``mc:Ignorable``
namespaces the schemas do not cover are dropped.  Beyond the schema: the
Open XML SDK's rule that the on/off row properties are written bare or
``on``/``off``, and Word's rule that a table cell ends with a paragraph.
"""

from __future__ import annotations

import functools
import zipfile
from pathlib import Path

from lxml import etree

SCHEMAS = Path(__file__).parent / "ooxml-schemas"
XSD = "http://www.w3.org/2001/XMLSchema"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"

_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
#: Content type → the root element its part must have.
ROOTS = {
    _WML + "document.main+xml": (W, "document"),
    _WML + "styles+xml": (W, "styles"),
    _WML + "settings+xml": (W, "settings"),
    _WML + "webSettings+xml": (W, "webSettings"),
    _WML + "fontTable+xml": (W, "fonts"),
    _WML + "numbering+xml": (W, "numbering"),
    _WML + "header+xml": (W, "hdr"),
    _WML + "footer+xml": (W, "ftr"),
    _WML + "comments+xml": (W, "comments"),
    "application/vnd.openxmlformats-officedocument.theme+xml": (
        "http://schemas.openxmlformats.org/drawingml/2006/main",
        "theme",
    ),
    "application/vnd.openxmlformats-package.core-properties+xml": (
        "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
        "coreProperties",
    ),
    "application/vnd.openxmlformats-officedocument.extended-properties+xml": (
        "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
        "Properties",
    ),
    "application/vnd.openxmlformats-package.relationships+xml": (
        "http://schemas.openxmlformats.org/package/2006/relationships",
        "Relationships",
    ),
}
#: The schema files, stand-ins for the web-hosted xml: and Dublin Core ones first.
_FILES = [
    "stubs/xml.xsd",
    "stubs/dc.xsd",
    "stubs/dcterms.xsd",
    *(
        f"ecma-376-part4-transitional/{name}.xsd"
        for name in (
            "shared-commonSimpleTypes",
            "shared-relationshipReference",
            "wml",
            "dml-main",
            "dml-wordprocessingDrawing",
            "dml-picture",
            "dml-chart",
            "dml-diagram",
            "dml-lockedCanvas",
            "shared-math",
            "vml-main",
            "vml-officeDrawing",
            "vml-wordprocessingDrawing",
            "shared-documentPropertiesExtended",
            "shared-documentPropertiesCustom",
            "shared-documentPropertiesVariantTypes",
            "shared-customXmlDataProperties",
            "shared-customXmlSchemaProperties",
            "shared-bibliography",
            "shared-additionalCharacteristics",
        )
    ),
    "ecma-376-part2-opc/opc-contentTypes.xsd",
    "ecma-376-part2-opc/opc-relationships.xsd",
    "ecma-376-part2-opc/opc-coreProperties.xsd",
]
#: Row properties the Open XML SDK types as on/off only.
_SDK_ON_OFF = {"cantSplit", "tblHeader", "hidden"}


class _Resolver(etree.Resolver):
    """Serves the schema files from memory (wml.xsd adjusted), never the network."""

    def __init__(self, documents: dict[str, bytes]):
        super().__init__()
        self.documents = documents

    def resolve(self, url, public_id, context):
        name = url.rpartition("/")[2]
        for path, data in self.documents.items():
            if path.endswith("/" + name) or path == name:
                return self.resolve_string(data, context)
        return None


def _adjusted_wml(data: bytes) -> bytes:
    tree = etree.fromstring(data)
    zoom = tree.find(f"{{{XSD}}}complexType[@name='CT_Zoom']/{{{XSD}}}attribute[@name='percent']")
    zoom.set("use", "optional")
    group = tree.find(f"{{{XSD}}}group[@name='EG_RPrBase']")
    choice = group[0]
    assert choice.tag == f"{{{XSD}}}choice", "wml.xsd: EG_RPrBase is not the choice this check expects"
    choice.tag = f"{{{XSD}}}sequence"
    for member in choice:
        member.set("minOccurs", "0")
    for reference in tree.iter(f"{{{XSD}}}group"):
        if reference.get("ref") == "EG_RPrBase":
            reference.attrib.pop("maxOccurs", None)
    return etree.tostring(tree)


@functools.cache
def _schema() -> tuple[etree.XMLSchema, frozenset[str]]:
    # Every schema file can be imported by another; the driver imports the listed ones.
    documents = {p.relative_to(SCHEMAS).as_posix(): p.read_bytes() for p in sorted(SCHEMAS.rglob("*.xsd"))}
    wml = "ecma-376-part4-transitional/wml.xsd"
    documents[wml] = _adjusted_wml(documents[wml])
    namespaces = set()
    driver = etree.Element(f"{{{XSD}}}schema", nsmap={"xsd": XSD})
    for name in _FILES:
        target = etree.fromstring(documents[name]).get("targetNamespace")
        namespaces.add(target)
        etree.SubElement(driver, f"{{{XSD}}}import", namespace=target, schemaLocation=f"mem:/{name}")
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_Resolver(documents))
    schema = etree.XMLSchema(etree.fromstring(etree.tostring(driver), parser, base_url="mem:/driver.xsd"))
    return schema, frozenset(namespaces | {MC})


def _apply_markup_compatibility(root, understood: frozenset[str]) -> None:
    ignorable: set[str] = set()
    for element in root.iter():
        for prefix in (element.get(f"{{{MC}}}Ignorable") or "").split():
            if element.nsmap.get(prefix) not in understood:
                ignorable.add(element.nsmap.get(prefix))
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        if etree.QName(element).namespace in ignorable:
            element.getparent().remove(element)
            continue
        for attribute in list(element.attrib):
            namespace = etree.QName(attribute).namespace
            if namespace in ignorable or namespace == MC:
                del element.attrib[attribute]


def violations(docx_path: Path) -> list[str]:
    """Every way the package breaks the schemas as Word reads them: ``part:line: message``."""
    schema, understood = _schema()
    found = []
    with zipfile.ZipFile(docx_path) as archive:
        names = set(archive.namelist())
        types = etree.fromstring(archive.read("[Content_Types].xml"))
        defaults = {d.get("Extension"): d.get("ContentType") for d in types.iter(f"{{{CT}}}Default")}
        overrides = {o.get("PartName").lstrip("/"): o.get("ContentType") for o in types.iter(f"{{{CT}}}Override")}
        for name in sorted(names):
            content_type = overrides.get(name) or defaults.get(name.rpartition(".")[2])
            if content_type is None:
                found.append(f"{name}: no content type")
                continue
            expected = ROOTS.get(content_type) if name != "[Content_Types].xml" else (CT, "Types")
            if expected is None:
                continue
            root = etree.fromstring(archive.read(name))
            if (etree.QName(root).namespace, etree.QName(root).localname) != expected:
                found.append(f"{name}: root is {root.tag}, expected {expected}")
                continue
            _apply_markup_compatibility(root, understood)
            if not schema.validate(etree.ElementTree(root)):
                found += [f"{name}:{e.line}: {e.message}" for e in schema.error_log]
            found += _beyond_the_schema(name, root)
    return found


def _beyond_the_schema(part: str, root) -> list[str]:
    found = []
    for element in root.iter(f"{{{W}}}trPr"):
        for child in element:
            value = child.get(f"{{{W}}}val")
            if etree.QName(child).localname in _SDK_ON_OFF and value not in (None, "on", "off"):
                found.append(
                    f'{part}:{child.sourceline}: {etree.QName(child).localname} w:val="{value}" (SDK: bare or on/off)'
                )
    for cell in root.iter(f"{{{W}}}tc"):
        if len(cell) == 0 or etree.QName(cell[-1]).localname != "p":
            found.append(f"{part}:{cell.sourceline}: a table cell must end with a paragraph")
    return found
