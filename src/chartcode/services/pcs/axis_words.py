"""Words that choose the approach, device and qualifier axes, and laterality, as data.

Contract: each table maps phrases to axis value labels as the Tables print them, most likely
first; the builder takes the first label that is still valid for the partial code, so an
ambiguous word ("endoscopic") reads as the approach the table allows. A label written
"A|B|C" is one reading with equally likely values ("with contrast" leaves the kind of
contrast open). Approaches follow the Definitions file (section 0, axis 5) and Guidelines
B5.2: laparoscopic, arthroscopic and thoracoscopic procedures are percutaneous endoscopic;
procedures through a natural or artificial opening with a scope are "via natural or
artificial opening endoscopic".
"""

from __future__ import annotations

OPEN = "Open"
PERC = "Percutaneous"
PERC_ENDO = "Percutaneous Endoscopic"
VIA = "Via Natural or Artificial Opening"
VIA_ENDO = "Via Natural or Artificial Opening Endoscopic"
VIA_ASSIST = "Via Natural or Artificial Opening With Percutaneous Endoscopic Assistance"
EXTERNAL = "External"

# fmt: off
APPROACH_PHRASES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("open", "opened", "burr hole", "burr holes", "excisional biopsy", "incision", "incisional",
      "laparotomy", "thoracotomy", "sternotomy", "craniotomy", "arthrotomy", "celiotomy",
      "open reduction", "orif", "converted to open", "open approach", "mini open",
      "midline incision", "pfannenstiel"),
     ("Open",)),
    (("percutaneous", "percutaneously", "needle", "fine needle", "core needle", "transcatheter",
      "catheter directed", "endovascular", "transluminal", "puncture", "ct guided",
      "ultrasound guided", "us guided", "image guided", "fluoroscopically guided",
      "under ultrasound guidance", "under ct guidance", "under fluoroscopic guidance",
      "transfemoral", "transradial", "trocar", "percutaneous approach"),
     ("Percutaneous",)),
    (("laparoscope", "arthroscope", "thoracoscope", "laparoscopic", "laparoscopically",
      "laparoscopy", "lap", "arthroscopic", "arthroscopically", "arthroscopy", "thoracoscopic",
      "thoracoscopy", "vats", "video assisted", "robotic", "robot assisted", "robotically",
      "robotic assisted", "mediastinoscopy", "retroperitoneoscopic", "percutaneous endoscopic",
      "endoscopic approach", "laparoscopic approach"),
     ("Percutaneous Endoscopic",)),
    (("transurethral", "transurethrally", "resectoscope", "turp", "turbt"),
     ("Via Natural or Artificial Opening Endoscopic", "Via Natural or Artificial Opening")),
    (("transvaginal", "vaginal", "vaginally", "transanal", "transoral", "per rectum",
      "transrectal", "transnasal", "via natural opening", "through the stoma", "nasogastric",
      "orogastric", "via the urethra"),
     ("Via Natural or Artificial Opening", "Via Natural or Artificial Opening Endoscopic")),
    (("endoscope", "cystoscope", "hysteroscope", "bronchoscope", "colonoscope", "ureteroscope",
      "gastroscope", "endoscopic", "endoscopically", "endoscopy", "cystoscopic", "cystoscopy",
      "colonoscopic", "colonoscopy", "hysteroscopic", "hysteroscopy", "bronchoscopic",
      "bronchoscopy", "ureteroscopic", "ureteroscopy", "gastroscopy", "gastroscopic", "egd",
      "esophagogastroduodenoscopy", "sigmoidoscopy", "proctoscopy", "laryngoscopy", "colposcopy",
      "ercp", "enteroscopy", "cystourethroscopy", "nephroscopy", "fiberoptic", "upper endoscopy",
      "duodenoscopy", "esophagoscopy", "rectoscopy"),
     ("Via Natural or Artificial Opening Endoscopic", "Percutaneous Endoscopic")),
    (("laparoscopic assisted vaginal", "laparoscopically assisted vaginal", "lavh",
      "laparoscopy assisted vaginal"),
     ("Via Natural or Artificial Opening With Percutaneous Endoscopic Assistance",)),
    (("external", "externally", "closed", "closed reduction", "topical", "transcutaneous",
      "extracorporeal", "skin surface", "noninvasive", "non invasive"),
     ("External",)),
)

# Approach words that decide over other approach words in one description: a needle through
# the rectal wall is percutaneous (Definitions, Percutaneous); a converted procedure is open.
DECISIVE_APPROACH_PHRASES = frozenset({
    "needle", "fine needle", "core needle", "converted to open", "percutaneous endoscopic",
    "laparoscopic assisted vaginal", "laparoscopically assisted vaginal", "lavh",
})

# Phrases whose label is a device value (or its general value in the Device Aggregation
# table), most likely first. The device key and the index "use" entries add brand names.
DEVICE_PHRASES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("drug eluting stent", "drug eluting stents", "des", "drug eluting"),
     ("Intraluminal Device, Drug-eluting",)),
    (("stent", "stents", "stenting", "stent graft", "endograft", "bare metal stent"),
     ("Intraluminal Device",)),
    (("interbody cage", "cage", "cages", "interbody device", "interbody spacer", "peek cage",
      "interbody fusion device", "interbody implant"),
     ("Interbody Fusion Device",)),
    (("bone graft", "autograft", "autologous bone", "iliac crest", "local bone", "autologous",
      "autologous graft", "bone chips"),
     ("Autologous Tissue Substitute",)),
    (("allograft", "allogeneic bone", "cadaveric", "donor bone", "xenograft",
      "acellular dermal matrix", "dermal matrix", "homograft"),
     ("Nonautologous Tissue Substitute",)),
    (("mesh", "synthetic", "prosthesis", "prosthetic", "cement", "bone cement",
      "methylmethacrylate", "pmma", "intraocular lens", "iol", "lens implant", "implant",
      "synthetic graft", "ptfe", "dacron"),
     ("Synthetic Substitute",)),
    (("saphenous vein graft", "saphenous vein", "svg", "vein graft", "venous graft"),
     ("Autologous Venous Tissue",)),
    (("internal mammary artery", "lima", "rima", "radial artery graft", "arterial graft",
      "internal thoracic artery"),
     ("Autologous Arterial Tissue",)),
    (("tissue valve", "bioprosthetic", "bioprosthesis", "porcine", "bovine", "biological valve"),
     ("Zooplastic Tissue",)),
    (("drain", "drains", "drainage tube", "drainage catheter", "chest tube", "foley",
      "nephrostomy tube", "pigtail", "drainage device", "jackson pratt", "penrose"),
     ("Drainage Device",)),
    (("plate", "plates", "screw", "screws", "pins", "pin", "k wire", "k wires", "kirschner",
      "wire", "wires", "rod", "rods", "pedicle screw", "pedicle screws", "internal fixation",
      "fixation"),
     ("Internal Fixation Device", "Internal Fixation Device, Rigid Plate")),
    (("intramedullary nail", "im nail", "intramedullary rod", "intramedullary", "nail",
      "nailing"),
     ("Internal Fixation Device, Intramedullary",)),
    (("external fixator", "external fixation", "ex fix"), ("External Fixation Device",)),
    (("dual chamber",), ("Pacemaker, Dual Chamber",)),
    (("coil", "coils", "embolization coils", "vascular plug", "occlusion device"),
     ("Intraluminal Device",)),
    (("pinning", "pinned", "percutaneous pinning"), ("Internal Fixation Device",)),
    (("cast", "casting"), ("Cast",)),
    (("splint", "splinting"), ("Splint",)),
    (("brace",), ("Brace",)),
    (("single chamber",),
     ("Pacemaker, Single Chamber", "Pacemaker, Single Chamber Rate Responsive")),
    (("defibrillator", "icd", "aicd", "cardioverter defibrillator"),
     ("Defibrillator Generator", "Cardiac Lead, Defibrillator")),
    (("infusion port", "port a cath", "portacath", "mediport", "port", "implantable port",
      "venous access port", "totally implantable", "access port"),
     ("Vascular Access Device, Totally Implantable",)),
    (("feeding tube", "peg tube", "g tube", "gastrostomy tube", "jejunostomy tube"),
     ("Feeding Device",)),
    (("tracheostomy tube", "tracheostomy"), ("Tracheostomy Device",)),
    (("endotracheal tube", "ett", "endotracheal"), ("Intraluminal Device, Endotracheal Airway",)),
    (("iud", "intrauterine device"), ("Contraceptive Device",)),
    (("tissue expander", "expander"), ("Tissue Expander",)),
    (("spacer",), ("Spacer",)),
    (("radioactive seeds", "seeds", "radioactive"), ("Radioactive Element",)),
    (("infusion catheter", "central line", "central venous catheter", "cvc", "picc", "catheter"),
     ("Infusion Device",)),
    (("no device", "without device", "without implant"), ("No Device",)),
    (("clip", "clips", "clipped", "band", "bands", "banding", "ring", "silicone ring"),
     ("Extraluminal Device",)),
    (("no graft", "no graft material", "in situ", "pedicled", "pedicle graft"), ("No Device",)),
)

# Qualifier phrases, most likely label first.
QUALIFIER_PHRASES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("biopsy", "biopsies", "biopsied", "bx", "diagnostic", "fine needle aspiration", "fna",
      "sampling", "cytology"),
     ("Diagnostic",)),
    (("cemented", "cement"), ("Cemented",)),
    (("uncemented", "cementless", "noncemented", "non cemented", "press fit"), ("Uncemented",)),
    (("alif", "anterior lumbar interbody", "anterior interbody", "anterior cervical", "acdf",
      "xlif", "llif", "olif", "dlif", "lateral interbody", "extreme lateral", "transpsoas",
      "anterior column", "anterior approach"),
     ("Anterior Approach, Anterior Column",)),
    (("plif", "tlif", "posterior lumbar interbody", "transforaminal", "posterior interbody",
      "presacral", "axialif", "axial lumbar", "posterior approach anterior column"),
     ("Posterior Approach, Anterior Column",)),
    (("posterolateral", "posterior spinal fusion", "posterior fusion", "posterior column",
      "intertransverse", "psf", "posterior instrumented fusion"),
     ("Posterior Approach, Posterior Column",)),
    (("low transverse", "low cervical", "lower segment", "ltcs", "kerr", "low segment"), ("Low",)),
    (("classical", "classic", "vertical uterine", "high", "high level"), ("High",)),
    (("extraperitoneal",), ("Extraperitoneal",)),
    (("to skin", "cutaneous", "stoma", "colostomy", "ileostomy", "jejunostomy", "ostomy",
      "end colostomy", "loop colostomy"),
     ("Cutaneous",)),
    (("aortocoronary", "from aorta", "from the aorta"), ("Aorta",)),
    (("lima", "left internal mammary"), ("Internal Mammary, Left",)),
    (("rima", "right internal mammary"), ("Internal Mammary, Right",)),
    (("allogeneic", "deceased donor", "living donor", "cadaveric donor"), ("Allogeneic",)),
    (("syngeneic", "identical twin"), ("Syngeneic",)),
    (("sleeve", "vertical"), ("Vertical",)),
    (("single tooth", "one tooth", "single"), ("Single",)),
    (("multiple teeth", "teeth", "multiple"), ("Multiple",)),
    (("with and without contrast", "pre and post contrast", "enhanced and unenhanced"),
     ("Unenhanced and Enhanced",)),
    (("intraoperative",), ("Intraoperative",)),
    (("transesophageal", "tee"), ("Transesophageal",)),
    (("intravascular", "ivus"), ("Intravascular",)),
    (("laser",), ("Laser",)),
    (("low forceps", "outlet forceps"), ("Low Forceps",)),
    (("mid forceps",), ("Mid Forceps",)),
    (("high forceps",), ("High Forceps",)),
    (("vacuum", "vacuum assisted", "ventouse"), ("Vacuum",)),
    (("mid", "mid level", "midshaft", "mid thigh", "mid calf", "mid forearm", "mid humerus"),
     ("Mid",)),
    (("low level", "distal level"), ("Low",)),
)

# Contrast (imaging, axis 5): "with contrast" leaves the kind of contrast open.
CONTRAST_PHRASES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("without contrast", "non contrast", "noncontrast", "unenhanced", "plain",
      "without iv contrast", "non enhanced", "simple"),
     ("None",)),
    (("with contrast", "contrast enhanced", "contrast", "iv contrast", "gadolinium",
      "intravenous contrast", "enhanced"),
     ("Low Osmolar|High Osmolar|Other Contrast",)),
)

LATERALITY_WORDS: dict[str, str] = {
    "right": "Right", "rt": "Right",
    "left": "Left", "lt": "Left",
    "bilateral": "Bilateral", "bilaterally": "Bilateral", "both": "Bilateral",
}

# Count words of labels ("Coronary Artery, Two Arteries") and how texts say them.
COUNT_WORDS: dict[str, str] = {
    "one": "1", "single": "1", "x1": "1", "1": "1",
    "two": "2", "double": "2", "x2": "2", "2": "2",
    "three": "3", "triple": "3", "x3": "3", "3": "3",
    "four": "4", "quadruple": "4", "x4": "4", "4": "4",
}
# fmt: on

# Labels of "nothing here" values: chosen without a question only where the text names
# nothing for the axis (see pcs_builder._default_allowed).
NONE_LABELS = frozenset({"No Device", "No Qualifier", "None", "No Substance", "No Contrast"})

# Values a record means when it says nothing else: blood products are from a donor unless
# the record says autologous (the Transfusion qualifier).
CONVENTIONAL_DEFAULTS: dict[str, str] = {
    "Nonautologous": "blood products are from a donor unless the record says autologous",
}
