"""Words that name a root operation (or, outside section 0, the procedure type), as data.

Contract: ``OPERATION_PHRASES`` maps phrases to (section, operation labels, weight);
``SUFFIXES`` maps procedure-word endings to operations; ``SECTION_PHRASES`` names the
procedures of the sections other than Medical and Surgical (imaging, nuclear medicine,
radiation therapy). Labels are spelled as the Tables print them (FY2025/FY2026) so a cue is
compared with a table's own axis 3 label. Weights rank cues: a term the project wrote beats a
root operation's own name, which beats a word that implies one, which beats a word ending.

The meanings follow the ICD-10-PCS Official Guidelines (FY2026) and the root operation
definitions in the Definitions file (section 0, axis 3), cited per entry where a choice is
not the plain meaning of the word.
"""

from __future__ import annotations

# Cue weights (see module docstring).
NAMED = 6.0  # the operation's own name or a form of it: "fusion", "excised"
IMPLIED = 5.0  # a procedure word whose root operation is fixed: "graft", "injection"
SUFFIX = 4.0  # a word ending: "-ectomy" Resection, "-desis" Fusion
SUFFIX_ALT = 2.5  # the less likely reading of an ending: "-ectomy" Excision
WEAK = 1.0  # words that name an operation only when nothing else is done: "-scopy"
DECISIVE = 11.0  # words that settle the operation whatever else is said ("with forceps")

# fmt: off
# (phrases, section, operation labels (most likely first), weight). A phrase starting with
# "*" matches any word ending with it ("*lithotomy" matches "cystolithotomy").
OPERATION_PHRASES: tuple[tuple[tuple[str, ...], str, tuple[str, ...], float], ...] = (
    (("alteration", "cosmetic"), "0", ("Alteration",), NAMED),
    (("bypass", "bypassed", "bypass graft", "bypass grafting", "shunt", "shunting",
      "anastomosis", "diversion"), "0", ("Bypass",), NAMED),
    (("tube change", "catheter change", "exchange", "exchanged"), "0", ("Change",), NAMED),
    (("control of bleeding", "control of hemorrhage", "hemostasis"), "0", ("Control",), NAMED),
    (("creation",), "0", ("Creation",), NAMED),
    (("destruction", "destroyed", "ablation", "ablated", "cauterization", "cautery",
      "fulguration", "cryoablation", "cryotherapy", "photocoagulation"),
     "0", ("Destruction",), NAMED),
    (("detachment", "amputation", "amputated", "disarticulation"), "0", ("Detachment",), NAMED),
    (("dilation", "dilatation", "dilated", "angioplasty", "ptca", "pta", "balloon dilation",
      "stenting", "valvuloplasty", "stent placement", "stent insertion", "stent implantation",
      "stent was placed", "stent was implanted"), "0", ("Dilation",), NAMED),
    (("division", "divided", "transection", "transected", "osteotomy", "tenotomy",
      "cordotomy", "myotomy", "fasciotomy", "sphincterotomy"), "0", ("Division",), NAMED),
    (("drainage", "drained", "aspiration", "aspirated", "incision and drainage", "washing",
      "washings",
      "tap", "paracentesis", "thoracentesis", "pericardiocentesis", "arthrocentesis"),
     "0", ("Drainage",), NAMED),
    # Guidelines B3.8: the tumor is a portion of the body part it is taken from.
    (("resection of tumor", "resection of the tumor", "resection of a tumor", "tumor resection",
      "resection of the mass", "resection of a mass", "mass resection", "resection of lesion",
      "resection of the lesion", "resection of a lesion", "lesion resection"),
     "0", ("Excision",), NAMED + 1.0),
    (("excision", "excise", "excised", "excisional", "biopsy", "biopsied", "bx", "polypectomy",
      "lumpectomy", "wedge resection", "partial resection", "debridement", "shave",
      "breast reduction", "reduction mammaplasty", "reduction mammoplasty"),
     "0", ("Excision",), NAMED),
    (("extirpation", "thrombectomy", "embolectomy", "endarterectomy", "*lithotomy",
      "evacuation", "evacuated", "stone extraction", "removal of foreign body",
      "foreign body removal", "removal of calculus", "stone removal", "clot removal"),
     "0", ("Extirpation",), NAMED),
    (("extraction", "extracted", "curettage", "stripping", "avulsion", "liposuction",
      "nonexcisional debridement"), "0", ("Extraction",), NAMED),
    (("fragmentation", "lithotripsy", "lithotrity"), "0", ("Fragmentation",), NAMED),
    (("fusion", "fused", "arthrodesis", "spondylodesis"), "0", ("Fusion",), NAMED),
    (("insertion", "inserted", "insert", "placement", "placed", "implantation", "implanted",
      "implant"), "0", ("Insertion",), NAMED),
    # Inspection ranks below the other names: it is coded only when nothing else is done
    # (Guidelines B3.11a).
    (("inspection", "exploration", "exploratory", "explored"), "0", ("Inspection",), SUFFIX),
    (("mapping",), "0", ("Map",), NAMED),
    (("occlusion", "occluded", "ligation", "ligated", "embolization", "embolized", "clipping",
      "clipped", "banding"), "0", ("Occlusion",), NAMED),
    (("reattachment", "reattached", "reimplantation", "replantation"), "0", ("Reattachment",),
     NAMED),
    (("release", "released", "adhesiolysis", "lysis of adhesions", "lysis", "lysed",
      "decompression",
      "neurolysis", "tenolysis"), "0", ("Release",), NAMED),
    (("removal", "removed", "remove", "explant", "explantation"), "0", ("Removal",), NAMED),
    (("repair", "repaired", "suture", "sutured", "closure", "herniorrhaphy"),
     "0", ("Repair",), NAMED),
    (("replacement", "replaced", "arthroplasty", "prosthesis"), "0", ("Replacement",), NAMED),
    # A lens taken out with an intraocular lens put in its place is Replacement of the lens.
    (("intraocular lens", "iol", "lens implant", "posterior chamber lens"),
     "0", ("Replacement",), DECISIVE),
    (("graft", "grafting", "skin graft"), "0", ("Replacement",), IMPLIED),
    (("reconstruction", "reconstructed"), "0", ("Replacement", "Supplement", "Repair"),
     IMPLIED - 1.0),
    (("reposition", "repositioned", "relocation", "orif", "open reduction",
      "closed reduction", "fracture reduction"), "0", ("Reposition",), NAMED),
    (("reduction", "reduced"), "0", ("Reposition",), IMPLIED - 1.0),
    # A fracture fixed with a device is Reposition with that device (Guidelines B3.15).
    (("nailing", "intramedullary nailing", "pinning", "internal fixation", "fracture fixation",
      "osteosynthesis", "plating"), "0", ("Reposition", "Insertion"), IMPLIED),
    (("resection", "resected", "en bloc", "enucleation", "radical"), "0", ("Resection",), NAMED),
    (("restriction", "cerclage", "fundoplication", "banded"), "0", ("Restriction",), NAMED),
    (("revision", "revised"), "0", ("Revision",), NAMED),
    # Definitions, Supplement: "herniorrhaphy using mesh" is Supplement, not Repair.
    (("supplement", "augmentation", "reinforcement", "mesh", "vertebroplasty", "kyphoplasty",
      "patch"), "0", ("Supplement",), NAMED + 1.0),
    (("transfer", "transferred", "flap", "transposition"), "0", ("Transfer",), NAMED),
    (("transplantation", "transplant", "transplanted"), "0", ("Transplantation",), NAMED),
    # Section 1, Obstetrics: procedures on the products of conception.
    (("delivery", "delivered"), "1", ("Delivery", "Extraction"), IMPLIED),
    (("cesarean", "caesarean", "c section", "cesarean section"), "1", ("Extraction",), NAMED),
    # A delivery with forceps or vacuum is Extraction of the products of conception.
    (("forceps", "vacuum", "ventouse", "vacuum assisted"), "1", ("Extraction",), DECISIVE),
    (("abortion",), "1", ("Abortion",), NAMED),
    (("retained placenta", "placenta", "retained products of conception"), "1",
     ("Extraction", "Drainage"), IMPLIED),
    # Section 3, Administration; section 4, Measurement and Monitoring.
    (("transfusion", "transfused"), "3", ("Transfusion",), NAMED),
    (("chemotherapy", "infusion", "injection", "injected", "instillation", "administration",
      "thrombolysis"), "3", ("Introduction",), IMPLIED),
    (("irrigation", "lavage"), "3", ("Irrigation",), WEAK),
    (("measurement", "electrocardiogram", "ecg", "ekg", "electroencephalogram", "eeg",
      "electromyography", "emg", "manometry", "urodynamic", "spirometry"),
     "4", ("Measurement",), IMPLIED),
    (("monitoring", "holter", "telemetry"), "4", ("Monitoring",), IMPLIED),
    # Section 5: mechanical ventilation and dialysis are Performance of a function.
    (("mechanical ventilation", "ventilation", "hemodialysis", "haemodialysis", "dialysis",
      "ecmo", "cardioversion"), "5", ("Performance", "Assistance", "Restoration"), IMPLIED),
    # Section 2, Placement: devices put on the body without cutting.
    (("cast", "casting", "splint", "splinting", "immobilization", "immobilisation"),
     "2", ("Immobilization",), IMPLIED),
    (("packing", "packed"), "2", ("Packing",), IMPLIED),
    (("traction",), "2", ("Traction",), IMPLIED),
    (("phototherapy",), "6", ("Phototherapy",), NAMED),
    (("plasmapheresis", "apheresis", "pheresis", "plasma exchange"), "6", ("Pheresis",), NAMED),
    (("hyperthermia",), "6", ("Hyperthermia",), NAMED),
    (("psychotherapy",), "G", ("Individual Psychotherapy",), NAMED),
    (("detoxification", "detox"), "H", ("Detoxification Services",), NAMED),
)

# Word endings: (ending, operations (most likely first), words that end so but are not
# procedures). Guidelines B3.8: "-ectomy" of a whole body part is Resection, of a portion
# Excision; "partial", "total" and the like decide when present (EXCISION_WORDS below).
SUFFIXES: tuple[tuple[str, tuple[str, ...], frozenset[str]], ...] = (
    ("ectomy", ("Resection", "Excision"), frozenset()),
    ("ostomy", ("Bypass",), frozenset()),
    # Incisions that only open the way are the approach (Open), not an operation.
    ("otomy", ("Drainage", "Division", "Inspection"), frozenset({
        "laparotomy", "thoracotomy", "sternotomy", "craniotomy", "arthrotomy", "celiotomy",
        "minilaparotomy", "mini-laparotomy", "hemilaminotomy"})),
    ("plasty", ("Repair", "Replacement", "Supplement"), frozenset()),
    ("pexy", ("Reposition",), frozenset()),
    ("desis", ("Fusion",), frozenset()),
    ("rrhaphy", ("Repair",), frozenset()),
    ("scopy", ("Inspection",), frozenset({"microscopy", "dermoscopy", "capillaroscopy"})),
    ("lysis", ("Release",), frozenset({
        "dialysis", "hemolysis", "paralysis", "analysis", "urinalysis", "thrombolysis",
        "hemodialysis", "glycolysis", "fibrinolysis", "autolysis", "haemolysis",
        "rhabdomyolysis", "spondylolysis", "hydrolysis", "electrolysis"})),
    ("tripsy", ("Fragmentation",), frozenset()),
    ("centesis", ("Drainage",), frozenset()),
    ("plication", ("Restriction",), frozenset()),
    ("clasis", ("Division",), frozenset()),
)
SUFFIX_WEIGHTS = (SUFFIX, SUFFIX_ALT, WEAK)

# Guidelines B3.8: "partial resection" is Excision; a whole body part taken out is Resection.
EXCISION_WORDS = ("partial", "subtotal", "segmental", "wedge", "portion", "part of",
                  "partially", "biopsy", "lesion")
RESECTION_WORDS = ("total", "complete", "completion", "radical", "entire", "whole")

# Matter that Extirpation takes out (Definitions: "taking or cutting out solid matter").
MATTER_WORDS = ("stone", "calculus", "calculi", "foreign body", "thrombus", "clot",
                "hematoma", "embolus", "plaque", "debris", "bezoar", "impaction")

# Root operations whose codes carry the device that defines them: a device the text does
# not name is asked for, never taken to be "No Device".
DEVICE_OPERATIONS = frozenset({
    "Insertion", "Replacement", "Supplement", "Removal", "Revision", "Change", "Fusion",
})
# Body systems where Bypass is done with a graft or conduit the coder must name.
DEVICE_BYPASS_SYSTEMS = frozenset("023456")

# (phrases, section, type label). Imaging (B), nuclear medicine (C), radiation therapy (D):
# axis 3 is the type; the words name the modality.
SECTION_PHRASES: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("x ray", "xray", "radiograph", "radiography", "radiographic", "radiological study",
      "plain film", "rx", "kub", "mammography", "mammogram", "orthopantomography"),
     "B", "Plain Radiography"),
    (("fluoroscopy", "fluoroscopic", "angiography", "angiogram", "arteriography",
      "arteriogram", "venography", "phlebography", "cholangiography", "cholangiogram",
      "cystography", "urethrography", "hysterosalpingography", "barium", "esophagram",
      "ventriculography", "aortography", "myelography", "ercp", "cystourethrogram",
      "urography", "pyelography"), "B", "Fluoroscopy"),
    (("ct", "cat scan", "ct scan", "computed tomography", "computerized tomography",
      "computerised tomography", "tomography", "tac", "angio ct", "ct angiography", "cta",
      "scanner", "hrct"), "B", "Computerized Tomography (CT Scan)"),
    (("mri", "magnetic resonance", "nmr", "rmn", "mra", "resonance", "mr angiography",
      "cholangioresonance", "mrcp"), "B", "Magnetic Resonance Imaging (MRI)"),
    (("ultrasound", "ultrasonography", "ultrasonographic", "sonography", "sonogram",
      "echography", "ecography", "echo", "doppler", "echocardiography", "echocardiogram",
      "eco", "tte", "tee", "duplex", "echo doppler", "transvaginal ultrasound"),
     "B", "Ultrasonography"),
    (("scintigraphy", "gammagraphy", "scintigram", "bone scan", "isotope scan",
      "radionuclide", "nuclear medicine", "gallium scan", "technetium", "octreoscan",
      "mibg", "thyroid scan"), "C", "Planar Nuclear Medicine Imaging"),
    (("spect",), "C", "Tomographic (Tomo) Nuclear Medicine Imaging"),
    (("pet", "pet ct", "positron emission", "fdg"), "C",
     "Positron Emission Tomographic (PET) Imaging"),
    (("radiotherapy", "radiation therapy", "irradiation", "external beam"),
     "D", "Beam Radiation"),
    (("brachytherapy",), "D", "Brachytherapy"),
    (("radiosurgery", "gamma knife", "cyberknife"), "D", "Stereotactic Radiosurgery"),
)
# fmt: on
SECTION_WEIGHT = IMPLIED
