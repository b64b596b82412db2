"""Optional last stage: the PDF, rendered from the .docx by LibreOffice.

The .docx keeps the Windows font names the finance bureau expects (仿宋_GB2312,
方正小标宋简体, …).  On a Linux machine those faces are usually absent, so the
conversion runs with a private fontconfig file that maps each name to a free
face with the same role; the .docx itself is never changed.  Each conversion
uses its own LibreOffice profile directory so that parallel runs do not
collide, and a time limit so that a hung office suite cannot hang the build.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from .diagnostics import OutputError
from .writing import write_atomically

TIMEOUT_SECONDS = 180
INSTALL_HINT = (
    "未找到 LibreOffice，已只生成 .docx。需要 PDF 时请安装 LibreOffice："
    "Debian/Ubuntu/统信/麒麟 执行 `sudo apt-get install libreoffice-writer-nogui fonts-noto-cjk fonts-lxgw-wenkai`，"
    "Windows 从 libreoffice.org 安装后把 soffice 所在目录加入 PATH；也可在 Word/WPS 中“另存为 PDF”。"
)

#: Windows face → (free faces, first found wins; weight) used only while rendering.
#: 楷体_GB2312: LXGW WenKai (fonts-lxgw-wenkai) fills the em square as the Windows
#: face does and covers GB 2312; AR PL KaitiM GB and AR PL UKai, both drawn
#: smaller and thinner, are the fallbacks.  仿宋: the one free simplified FangSong
#: the registries carry is FandolFang (CTAN's Fandol fonts, in Debian's
#: texlive-lang-chinese): all 6763 characters of GB 2312, half-width digits as
#: 仿宋_GB2312 has them.  cwTeX's FangSong (fonts-cwtex-fs) is a Big5 face that
#: lacks a third of GB 2312 (233 of the 679 characters of the two samples), the
#: npm packages are web-font slices, PyPI has none.  Without FandolFang, 仿宋 is
#: set in Noto Serif CJK, a Song of the same metrics.  方正小标宋简体 has no free
#: counterpart; Noto Serif CJK's bold is nearest in weight and width.
FONT_SUBSTITUTES = {
    "仿宋_GB2312": (("FandolFang", "Noto Serif CJK SC"), None),
    "仿宋": (("FandolFang", "Noto Serif CJK SC"), None),
    "宋体": (("Noto Serif CJK SC",), None),
    "黑体": (("Noto Sans CJK SC",), None),
    "楷体_GB2312": (("LXGW WenKai", "AR PL KaitiM GB", "AR PL UKai CN"), None),
    "楷体": (("LXGW WenKai", "AR PL KaitiM GB", "AR PL UKai CN"), None),
    "方正小标宋简体": (("Noto Serif CJK SC",), "bold"),
}


#: Where LibreOffice installs itself when it is not on PATH (Windows, macOS).
_USUAL_PLACES = [
    Path(os.environ.get("ProgramFiles", r"C:\Program Files")) / "LibreOffice" / "program" / "soffice.exe",
    Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"),
]


def find_office() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    return next((str(place) for place in _USUAL_PLACES if place.is_file()), None)


#: Where texlive-lang-chinese puts the Fandol fonts: outside fontconfig's folders.
FANDOL_DIR = Path("/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol")


def fontconfig(directory: Path) -> Path:
    """A fontconfig file: the system's configuration plus our substitutions
    (and the Fandol fonts' folder, where installed)."""
    rules = [f"<dir>{escape(str(FANDOL_DIR))}</dir>"] if FANDOL_DIR.is_dir() else []
    installed = _installed_families()
    for windows_name, (free_names, weight) in FONT_SUBSTITUTES.items():
        if windows_name in installed:
            continue  # the real face is there: the PDF shows what Word shows
        weight_rule = f'<edit name="weight" mode="assign"><const>{weight}</const></edit>' if weight else ""
        families = "".join(f"<string>{escape(name)}</string>" for name in free_names)
        rules.append(
            f'<match target="pattern"><test name="family"><string>{escape(windows_name)}</string></test>'
            f'<edit name="family" mode="assign" binding="strong">{families}</edit>'
            f"{weight_rule}</match>"
        )
    path = directory / "fonts.conf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n' + "\n".join(rules) + "\n</fontconfig>\n",
        encoding="utf-8",
    )
    return path


def _installed_families() -> set[str]:
    """The font families fontconfig knows on this machine (none where it is absent)."""
    try:
        listed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return set()
    return {name.strip() for line in listed.splitlines() for name in line.split(",")}


def missing_faces(names: list[str]) -> dict[str, str]:
    """Of the faces named, those not installed, each with the face the PDF is set
    in instead (ours, else fontconfig's own choice, as LibreOffice asks it)."""
    installed = _installed_families()
    missing = [name for name in dict.fromkeys(names) if name not in installed]
    if not missing:
        return {}
    with tempfile.TemporaryDirectory(prefix="reportgen-fonts-") as work:
        environment = dict(os.environ, FONTCONFIG_FILE=str(fontconfig(Path(work))))
        used = {}
        for name in missing:
            try:
                found = subprocess.run(
                    ["fc-match", "-f", "%{family[0]}", name],
                    env=environment,
                    capture_output=True,
                    text=True,
                    timeout=30,
                    check=False,
                ).stdout.strip()
            except (OSError, subprocess.SubprocessError):
                found = ""
            used[name] = found or "LibreOffice 的默认字体"
    return used


def office_convert(
    source: Path, target: str, out_dir: Path, office: str, environment: dict[str, str] | None = None
) -> Path:
    """Run LibreOffice once to convert ``source`` into ``out_dir`` (``target``
    as ``--convert-to`` takes it: ``pdf:writer_pdf_Export``, ``docx``), with a
    profile of its own in ``out_dir`` and the time limit; where the result
    should be.  The one LibreOffice command line of the project (the PDF here,
    a .doc read by :mod:`reportgen.importing`); subprocess errors are left to
    the caller to word."""
    command = [
        office,
        f"-env:UserInstallation={(out_dir / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        target,
        "--outdir",
        str(out_dir),
        str(source),
    ]
    subprocess.run(command, env=environment, capture_output=True, timeout=TIMEOUT_SECONDS, check=True)
    return out_dir / (source.stem + "." + target.partition(":")[0])


def convert_to_pdf(docx_path: Path, pdf_path: Path, office: str) -> None:
    """Render ``docx_path`` to ``pdf_path`` (replaced atomically)."""
    with tempfile.TemporaryDirectory(prefix="reportgen-office-") as work:
        work_dir = Path(work)
        environment = dict(os.environ, FONTCONFIG_FILE=str(fontconfig(work_dir)))
        try:
            produced = office_convert(docx_path, "pdf:writer_pdf_Export", work_dir, office, environment)
        except subprocess.TimeoutExpired:
            raise OutputError(f"LibreOffice 转换 PDF 超过 {TIMEOUT_SECONDS} 秒未完成，已放弃") from None
        except subprocess.CalledProcessError as exc:
            detail = exc.stderr.decode(errors="replace").strip()[-300:]
            raise OutputError(f"LibreOffice 转换 PDF 失败（{detail}）") from None
        if not produced.exists():
            raise OutputError("LibreOffice 没有输出 PDF")
        # Through an unpredictable temporary file beside the PDF, never a fixed name.
        write_atomically(pdf_path, produced.read_bytes())
