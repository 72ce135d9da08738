/* SPDX-License-Identifier: Apache-2.0 */
#include "ctr/name-gen.h"

#include <stdint.h>
#include <sys/random.h>
#include <unistd.h>

#include "util/macro.h"
#include "util/xalloc.h"

static const char *const adjectives[] = {
	"admiring",	 "adoring",   "affectionate", "agitated",   "amazing",	     "angry",
	"awesome",	 "beautiful", "blissful",     "bold",	    "boring",	     "brave",
	"busy",		 "charming",  "clever",	      "cool",	    "compassionate", "competent",
	"condescending", "confident", "cranky",	      "crazy",	    "dazzling",	     "determined",
	"distracted",	 "dreamy",    "eager",	      "ecstatic",   "elastic",	     "elated",
	"elegant",	 "eloquent",  "epic",	      "exciting",   "fervent",	     "festive",
	"flamboyant",	 "focused",   "friendly",     "frosty",	    "funny",	     "gallant",
	"gifted",	 "goofy",     "gracious",     "great",	    "happy",	     "hardcore",
	"heuristic",	 "hopeful",   "hungry",	      "infallible", "inspiring",     "intelligent",
	"interesting",	 "jolly",     "jovial",	      "keen",	    "kind",	     "laughing",
	"loving",	 "lucid",     "magical",      "modest",	    "musing",	     "mystifying",
	"naughty",	 "nervous",   "nice",	      "nifty",	    "nostalgic",     "objective",
	"optimistic",	 "peaceful",  "pedantic",     "pensive",    "practical",     "priceless",
	"quirky",	 "quizzical", "recursing",    "relaxed",    "reverent",	     "romantic",
	"sad",		 "serene",    "sharp",	      "silly",	    "sleepy",	     "stoic",
	"strange",	 "stupefied", "suspicious",   "sweet",	    "tender",	     "thirsty",
	"trusting",	 "unruffled", "upbeat",	      "vibrant",    "vigilant",	     "vigorous",
	"wizardly",	 "wonderful", "xenodochial",  "youthful",   "zealous",	     "zen",
};

static const char *const surnames[] = {
	"agnesi",     "albattani",    "allen",	    "almeida",	     "archimedes",   "ardinghelli",
	"aryabhata",  "austin",	      "babbage",    "banach",	     "bardeen",	     "bartik",
	"bassi",      "bell",	      "benz",	    "bhabha",	     "blackwell",    "bohr",
	"booth",      "borg",	      "bose",	    "boyd",	     "brahmagupta",  "brattain",
	"brown",      "carson",	      "cerf",	    "chandrasekhar", "chaplygin",    "chatelet",
	"chatterjee", "cohen",	      "colden",	    "cori",	     "cray",	     "curie",
	"darwin",     "davinci",      "dewdney",    "dhawan",	     "diffie",	     "dijkstra",
	"dirac",      "driscoll",     "dubinsky",   "easley",	     "edison",	     "einstein",
	"elbakyan",   "elgamal",      "elion",	    "ellis",	     "engelbart",    "euclid",
	"euler",      "faraday",      "feistel",    "fermat",	     "fermi",	     "feynman",
	"franklin",   "gagarin",      "galileo",    "gates",	     "gauss",	     "germain",
	"goldberg",   "goldstine",    "goldwasser", "golick",	     "goodall",	     "gould",
	"greider",    "grothendieck", "haibt",	    "hamilton",	     "haslett",	     "hawking",
	"heisenberg", "hermann",      "herschel",   "hertz",	     "heyrovsky",    "hodgkin",
	"hofstadter", "hoover",	      "hopper",	    "hugle",	     "hypatia",	     "jackson",
	"jang",	      "jemison",      "jennings",   "jepsen",	     "johnson",	     "joliot",
	"jones",      "kalam",	      "kapitsa",    "kare",	     "keldysh",	     "keller",
	"kepler",     "khayyam",      "khorana",    "kilby",	     "kirch",	     "knuth",
	"kowalevski", "lalande",      "lamarr",	    "lamport",	     "leakey",	     "leavitt",
	"lederberg",  "lehmann",      "lewin",	    "lichterman",    "liskov",	     "lovelace",
	"lumiere",    "mahavira",     "margulis",   "matsumoto",     "maxwell",	     "mayer",
	"mccarthy",   "mcclintock",   "mclaren",    "mclean",	     "mcnulty",	     "meitner",
	"mendel",     "merkle",	      "mestorf",    "mirzakhani",    "montalcini",   "moore",
	"morse",      "moser",	      "murdock",    "napier",	     "nash",	     "neumann",
	"newton",     "nightingale",  "nobel",	    "noether",	     "northcutt",    "noyce",
	"panini",     "pare",	      "pascal",	    "pasteur",	     "payne",	     "perlman",
	"pike",	      "poincare",     "poitras",    "proskuriakova", "ptolemy",	     "raman",
	"ramanujan",  "ride",	      "ritchie",    "rhodes",	     "robinson",     "roentgen",
	"rosalind",   "rubin",	      "saha",	    "sammet",	     "sanderson",    "satoshi",
	"shamir",     "shannon",      "shaw",	    "shirley",	     "shockley",     "shtern",
	"sinoussi",   "snyder",	      "solomon",    "spence",	     "stonebraker",  "sutherland",
	"swanson",    "swartz",	      "swirles",    "taussig",	     "tesla",	     "tharp",
	"thompson",   "torvalds",     "tu",	    "turing",	     "varahamihira", "vaughan",
	"villani",    "visvesvaraya", "volhard",    "wescoff",	     "wilbur",	     "wiles",
	"williams",   "williamson",   "wilson",	    "wing",	     "wozniak",	     "wright",
	"wu",	      "yalow",	      "yonath",	    "zhukovsky",
};

char *ctr_name_generate(void)
{
	uint32_t r[2] = { 0, 0 };
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		r[0] = (uint32_t)getpid();
		r[1] = r[0] * 2654435761u;
	}
	return xasprintf("%s_%s", adjectives[r[0] % ELEMENTSOF(adjectives)],
			 surnames[r[1] % ELEMENTSOF(surnames)]);
}
