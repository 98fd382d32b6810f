"""Anatomy words of clinical text and the words the ICD-10-PCS body part labels use, as data.

Contract: ``ANATOMY_SYNONYMS`` maps a text word or phrase to label words it stands for
("renal" -> "kidney", "gall bladder" -> "gallbladder"); ``WORD_ROOTS`` maps the combining
forms of procedure words to label words ("cholecyst" in "cholecystectomy" -> gallbladder);
``GENERIC_LABEL_WORDS`` are the words of a label that say what kind of part it is (joint,
artery, fascia) rather than which: a text may leave them out ("knee" for "Knee Joint").
The builder adds these as extra words of the text, weighed below the words written, so a
label the text spells out beats one reached through a synonym. "hernia" stands for a region
because the Tables code hernia repairs to the region or wall (0YQ5, 0WQF), never to a vessel
of the same name.
"""

from __future__ import annotations

# fmt: off
ANATOMY_SYNONYMS: dict[str, tuple[str, ...]] = {
    "subphrenic": ("peritoneal", "cavity"), "intertrochanteric": ("upper", "femur"),
    "subtrochanteric": ("upper", "femur"), "trochanteric": ("upper", "femur"),
    "femoral neck": ("upper", "femur"), "hip fracture": ("upper", "femur"),
    "placenta": ("products", "conception", "retained"),
    "great toe": ("1st", "toe"), "big toe": ("1st", "toe"), "little toe": ("5th", "toe"),
    "perianal": ("anus",), "perirectal": ("rectum",), "pararectal": ("rectum",),
    "upper lobectomy": ("lung",), "middle lobectomy": ("lung",), "lower lobectomy": ("lung",),
    "vats": ("lung",), "chest tube": ("pleural", "cavity"), "adhesions": ("peritoneum",),
    "gall bladder": ("gallbladder",), "renal": ("kidney",), "kidneys": ("kidney",),
    "nephric": ("kidney",), "hepatic": ("liver",), "gastric": ("stomach",),
    "duodenal": ("duodenum",), "esophageal": ("esophagus",), "oesophagus": ("esophagus",),
    "oesophageal": ("esophagus",), "colon": ("large", "intestine"),
    "colonic": ("large", "intestine", "colon"), "bowel": ("intestine",),
    "intestinal": ("intestine",), "rectal": ("rectum",), "anal": ("anus",), "cecal": ("cecum",),
    "appendiceal": ("appendix",), "appendicular": ("appendix",), "ileal": ("ileum",),
    "jejunal": ("jejunum",), "pancreatic": ("pancreas",), "splenic": ("spleen",),
    "biliary": ("bile", "duct", "hepatobiliary"), "choledochal": ("common", "bile", "duct"),
    "cbd": ("common", "bile", "duct"), "pulmonary": ("lung",), "lungs": ("lung",),
    "pleural": ("pleura", "pleural"), "bronchial": ("bronchus",), "tracheal": ("trachea",),
    "laryngeal": ("larynx",), "pharyngeal": ("pharynx",), "cardiac": ("heart",),
    "pericardial": ("pericardium", "pericardial"), "aortic": ("aorta",),
    "cerebral": ("brain", "cerebral"), "intracranial": ("brain", "cranial"),
    "spine": ("vertebral", "vertebra"), "spinal": ("vertebral", "vertebra"),
    "vertebral": ("vertebra",), "vertebra": ("vertebral",), "vertebrae": ("vertebral",),
    "disk": ("disc",), "discs": ("disc",), "intervertebral": ("vertebral", "disc"),
    "abdominal": ("abdomen", "abdominal"), "belly": ("abdomen",), "thoracic": ("thorax", "chest"),
    "thorax": ("chest",), "chest": ("thorax",), "pelvic": ("pelvis", "pelvic"),
    "uterine": ("uterus",), "womb": ("uterus",), "endometrial": ("endometrium",),
    "ovarian": ("ovary",), "ovaries": ("ovary",),
    "adnexa": ("ovary", "fallopian", "tube"), "adnexal": ("ovary", "fallopian", "tube"),
    "tubal": ("fallopian", "tube"), "oviduct": ("fallopian", "tube"),
    "cervical": ("cervix", "neck", "cervical"), "testicular": ("testis", "testicle"),
    "testicle": ("testis", "teste"), "testes": ("testis", "testicle"), "teste": ("testis",),
    "testis": ("testicle",),
    "scrotal": ("scrotum",),
    "penile": ("penis",), "prostatic": ("prostate",), "vesical": ("bladder",),
    "urinary bladder": ("bladder",), "urethral": ("urethra",), "ureteral": ("ureter",),
    "ureteric": ("ureter",), "vaginal": ("vagina",), "vulvar": ("vulva",), "mammary": ("breast",),
    "axillary": ("axilla", "axillary"), "thyroid": ("thyroid", "gland"),
    "adrenal": ("adrenal", "gland"), "venous": ("vein",), "arterial": ("artery",),
    "vessel": ("artery", "vein"), "vascular": ("artery", "vein"), "lymph node": ("lymphatic",),
    "lymph nodes": ("lymphatic",), "lymphadenopathy": ("lymphatic",), "nodal": ("lymphatic",),
    "ocular": ("eye",), "eyes": ("eye",), "orbital": ("orbit",),
    "nasal": ("nose", "nasal"), "sinus": ("sinus", "paranasal"), "oral": ("mouth",),
    "lingual": ("tongue",), "dental": ("tooth",), "teeth": ("tooth",), "labial": ("lip",),
    "cutaneous": ("skin",), "dermal": ("skin",), "muscular": ("muscle",),
    "tendinous": ("tendon",), "osseous": ("bone",), "bony": ("bone",),
    "femoral": ("femur", "femoral"), "femur": ("femoral",), "tibial": ("tibia",),
    "fibular": ("fibula",), "radial": ("radius", "radial"), "ulnar": ("ulna", "ulnar"),
    "humeral": ("humerus",), "clavicular": ("clavicle",), "scapular": ("scapula",),
    "patellar": ("patella",), "calcaneal": ("calcaneus",), "sternal": ("sternum",),
    "costal": ("rib",), "ribs": ("rib",), "mandibular": ("mandible",), "maxillary": ("maxilla",),
    "cranial": ("skull", "cranial"), "skull": ("cranial",), "proximal": ("upper",),
    "distal": ("lower",), "forearm": ("lower", "arm"), "calf": ("lower", "leg"),
    "shin": ("lower", "leg"), "thigh": ("upper", "leg"), "knee": ("joint",), "hip": ("joint",),
    "shoulder": ("joint",), "elbow": ("joint",), "wrist": ("joint",), "ankle": ("joint",),
    "achilles": ("lower", "leg", "tendon"), "meniscus": ("knee", "joint"),
    "meniscal": ("knee", "joint"), "acl": ("knee", "bursa", "ligament"),
    "anterior cruciate ligament": ("knee", "bursa"), "rotator cuff": ("shoulder", "tendon"),
    "carpal tunnel": ("median", "nerve"), "umbilical": ("umbilicus", "abdominal", "wall"),
    "ventral": ("abdominal", "wall"), "incisional": ("abdominal", "wall"),
    "peritoneal": ("peritoneal", "cavity", "peritoneum"), "ascites": ("peritoneal", "cavity"),
    "pleural effusion": ("pleural", "cavity"), "coronary": ("coronary", "artery"),
    "lad": ("coronary", "artery"), "rca": ("coronary", "artery"),
    "circumflex": ("coronary", "artery"), "brain": ("brain", "cerebral"),
    "subdural": ("subdural", "space", "intracranial"),
    "epidural": ("epidural", "space", "intracranial"), "tonsils": ("tonsil",),
    "adenoid": ("adenoids",), "gum": ("gingiva",), "eardrum": ("tympanic", "membrane"),
    "lens": ("len",), "cataract": ("len",), "skin": ("skin",),
    "subcutaneous tissue": ("subcutaneous",), "intrauterine": ("uterus",),
    "trigger finger": ("hand", "tendon"), "hernia": ("region",), "upper lobe": ("lung",),
    "middle lobe": ("lung",), "lower lobe": ("lung",), "rul": ("upper", "lung", "lobe", "right"),
    "rml": ("middle", "lung", "lobe", "right"), "rll": ("lower", "lung", "lobe", "right"),
    "lul": ("upper", "lung", "lobe", "left"), "lll": ("lower", "lung", "lobe", "left"),
    "lingula": ("lung", "lingula"), "venous access": ("vascular",),
    # Compound region adjectives stand for what each of their parts stands for, so a label
    # naming both regions ("Chest and Abdomen", BW24) is named whole.
    "thoracoabdominal": ("thoracic", "thorax", "chest", "abdominal", "abdomen"),
    "thoraco-abdominal": ("thoracic", "thorax", "chest", "abdomen"),
    "abdominopelvic": ("abdominal", "abdomen", "pelvic", "pelvis"),
    "abdomino-pelvic": ("abdomen", "pelvis"),
    "cervicothoracic": ("cervical", "neck", "thoracic", "thorax", "chest"),
    "cervico-thoracic": ("cervical", "neck", "thorax", "chest"),
}

# Parts an image shows through the region that holds them, for imaging tables (section B)
# that have no value of their own for the part: BV4 images the testes as the Scrotum.
IMAGED_THROUGH: dict[str, tuple[str, ...]] = {
    "scrotum": ("testis", "testicle"),
}

# Combining forms of procedure words: "cholecyst" + "ectomy". Longest forms are tried first,
# a combining vowel (o, i, a, e) may follow each, and "hemi"/"pan" in front are skipped.

WORD_ROOTS: dict[str, tuple[str, ...]] = {
    "cholecyst": ("gallbladder",), "cholangi": ("bile", "duct"),
    "choledoch": ("common", "bile", "duct"), "appendic": ("appendix",), "append": ("appendix",),
    "col": ("large", "intestine", "colon"), "colon": ("large", "intestine", "colon"),
    "sigmoid": ("sigmoid", "colon"), "proct": ("rectum",), "rect": ("rectum",),
    "gastr": ("stomach",), "esophag": ("esophagus",), "duoden": ("duodenum",),
    "jejun": ("jejunum",), "ile": ("ileum",), "cec": ("cecum",), "enter": ("small", "intestine"),
    "hepat": ("liver",), "pancreat": ("pancreas",), "splen": ("spleen",), "nephr": ("kidney",),
    "pyel": ("kidney", "pelvis"), "ureter": ("ureter",), "cyst": ("bladder",),
    "urethr": ("urethra",), "prostat": ("prostate",), "orchid": ("testis",), "orchi": ("testis",),
    "epididym": ("epididymis",), "vas": ("vas", "deferens"), "hyster": ("uterus",),
    "metr": ("uterus",), "endometr": ("endometrium",), "oophor": ("ovary",),
    "salping": ("fallopian", "tube"), "colp": ("vagina",), "vagin": ("vagina",),
    "vulv": ("vulva",), "cervic": ("cervix",), "trachel": ("cervix",), "mast": ("breast",),
    "mamm": ("breast",), "thyroid": ("thyroid", "gland"), "parathyroid": ("parathyroid", "gland"),
    "adrenal": ("adrenal", "gland"), "tonsill": ("tonsil",), "adenoid": ("adenoids",),
    "laryng": ("larynx",), "pharyng": ("pharynx",), "trache": ("trachea",),
    "bronch": ("bronchus",), "pneumon": ("lung",), "pneum": ("lung",), "pulmon": ("lung",),
    "lob": ("lobe",), "pleur": ("pleura", "pleural"), "thorac": ("chest", "thorax"),
    "pericardi": ("pericardium", "pericardial"), "cardi": ("heart",), "arteri": ("artery",),
    "phleb": ("vein",), "ven": ("vein",), "aort": ("aorta",), "crani": ("skull", "cranial"),
    "encephal": ("brain",), "ventricul": ("cerebral", "ventricle"), "neur": ("nerve",),
    "myel": ("spinal", "cord"), "lamin": ("vertebra",), "disc": ("disc",), "disk": ("disc",),
    "spondyl": ("vertebra",), "vertebr": ("vertebra",), "arthr": ("joint",), "oste": ("bone",),
    "ten": ("tendon",), "tendin": ("tendon",), "tendon": ("tendon",), "myo": ("muscle",),
    "fasci": ("fascia",), "derm": ("skin",), "lapar": ("abdomen",), "celi": ("abdomen",),
    "omphal": ("umbilicus",), "herni": ("hernia",), "rhin": ("nose",),
    "sept": ("nasal", "septum"), "sinus": ("sinus",), "tympan": ("tympanic", "membrane"),
    "myring": ("tympanic", "membrane"), "mastoid": ("mastoid",), "ophthalm": ("eye",),
    "blephar": ("eyelid",), "kerat": ("cornea",), "phac": ("len",), "phaco": ("len",),
    "vitr": ("vitreous",), "retin": ("retina",), "dacryocyst": ("lacrimal", "sac"),
    "sial": ("salivary", "gland"), "gloss": ("tongue",), "uvul": ("uvula",), "palat": ("palate",),
    "gingiv": ("gingiva",), "odont": ("tooth",), "lymphaden": ("lymphatic",),
    "lymph": ("lymphatic",), "lith": ("stone",), "thromb": ("thrombus",), "embol": ("embolus",),
    "endarter": ("artery",), "menisc": ("knee", "joint"), "synov": ("joint",),
}
ROOT_PREFIXES = ("hemi", "pan", "total", "sub", "partial")

# Label words that name a kind of part; a text may leave them out ("knee" for "Knee Joint",
# "subcutaneous tissue" for "Subcutaneous Tissue and Fascia").
GENERIC_LABEL_WORDS = frozenset({
    "subcutaneous",
    "artery", "body", "bone", "bursa", "cavity", "duct", "fascia", "general", "gland",
    "joint", "ligament", "lobe", "membrane", "muscle", "nerve", "organ", "region", "segment",
    "space", "structure", "surface", "system", "tendon", "tissue", "vein", "vessel", "wall",
})

# Words of a label that count things ("Coronary Artery, Two Arteries", "Lumbar Vertebral
# Joints, 2 or more"); a text that does not count leaves every count open.
LABEL_COUNT_WORDS: dict[str, str] = {
    "one": "1", "two": "2", "three": "3", "four": "4", "2": "2", "3": "3", "4": "4",
}
LABEL_FILLER_WORDS = frozenset({"or", "more", "to", "7", "8"})

# Label words that tell branches of one part apart ("Common Iliac Artery", "External Iliac
# Artery"); a text that leaves them out names all the branches, and the builder asks which.
BRANCH_LABEL_WORDS = frozenset({
    "common", "internal", "external", "superficial", "deep", "great", "greater", "lesser",
    "anterior", "posterior", "medial", "lateral", "superior", "inferior", "main",
})

# Coronary arteries by name: the coronary body parts count the arteries treated (Guidelines
# B4.4), so naming one ("the LAD") counts one.
CORONARY_ARTERIES = (
    "lad", "left anterior descending", "rca", "right coronary artery", "circumflex", "lcx",
    "diagonal", "obtuse marginal", "pda", "posterior descending", "ramus intermedius",
    "left main",
)
# fmt: on
