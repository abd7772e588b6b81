"""The words the synthetic corpus is made of: entities, topics, glossary terms, outlets, phrase parts.

Sized like a real beat: 250 entities, 60 topics, 120 glossary terms, 20 outlets.
"""

from __future__ import annotations

COUNTRIES = ["Iran", "Israel", "Saudi Arabia", "Jordan", "Qatar", "Egypt", "Turkey", "Syria", "Iraq", "Lebanon",
             "Yemen", "Oman", "UAE", "Bahrain", "Kuwait", "Ukraine", "Russia", "Poland", "Finland", "Sweden",
             "Norway", "Estonia", "Latvia", "Lithuania", "Germany", "France", "United Kingdom", "Italy", "Spain",
             "Greece", "Romania", "China", "Taiwan", "Japan", "South Korea", "North Korea", "Philippines",
             "Vietnam", "India", "Pakistan", "Australia", "United States", "Canada", "Brazil", "Azerbaijan",
             "Armenia", "Georgia", "Belarus", "Moldova", "Serbia"]
GROUPS = ["Hamas", "Hezbollah", "Houthis", "Islamic Resistance in Iraq", "IRGC", "Wagner Group", "NATO",
          "European Union", "Arab League", "African Union", "ASEAN", "Quad", "AUKUS", "Gulf Cooperation Council"]
COMPANIES = ["Lockheed Martin", "RTX", "Northrop Grumman", "General Dynamics", "Boeing Defense", "BAE Systems",
             "Rheinmetall", "Thales", "Leonardo", "Saab", "Elbit Systems", "Rafael", "Israel Aerospace Industries",
             "Hanwha Aerospace", "KNDS", "MBDA", "Airbus Defence", "Kongsberg", "Anduril", "Palantir",
             "L3Harris", "Mitsubishi Heavy Industries", "Baykar", "Embraer", "Naval Group", "Fincantieri",
             "Huntington Ingalls", "SpaceX", "Rocket Lab", "Blue Origin"]
PREFIXES = ["Ministry of Defence of", "Air Force of", "Navy of", "Army of", "Parliament of", "Coast Guard of"]
ENTITIES = (COUNTRIES + GROUPS + COMPANIES + [f"{p} {c}" for p in PREFIXES for c in COUNTRIES[:26]])[:250]

TOPICS = ["air defense", "missile defense", "drone warfare", "naval operations", "cyber operations",
          "space launch", "satellite constellations", "hypersonics", "arms exports", "procurement",
          "defense budgets", "sanctions", "nuclear programs", "border security", "counterterrorism",
          "electronic warfare", "artillery", "armored vehicles", "fighter jets", "submarines",
          "shipbuilding", "munitions production", "supply chains", "rare earths", "intelligence sharing",
          "peace talks", "ceasefires", "proxy conflicts", "maritime security", "Red Sea shipping",
          "Black Sea", "Arctic security", "Indo-Pacific", "Taiwan Strait", "Korean Peninsula",
          "Gulf security", "Levant", "Sahel", "counter-drone systems", "loitering munitions",
          "early warning radar", "ballistic missiles", "cruise missiles", "air mobility", "special forces",
          "military aid", "alliances", "exercises", "readiness", "recruitment", "defense industry mergers",
          "export controls", "dual-use technology", "AI in defense", "quantum sensing", "space debris",
          "launch vehicles", "GPS jamming", "undersea cables", "critical infrastructure"]

GLOSSARY = ["IAMD", "Axis of Resistance", "forward defense", "C-UAS", "A2/AD", "ISR", "SEAD", "DEAD", "BVR",
            "CEP", "MIRV", "HGV", "SAM", "MANPADS", "THAAD", "Patriot", "Iron Dome", "David's Sling", "Arrow 3",
            "Aegis", "SM-6", "NASAMS", "IRIS-T", "S-400", "HIMARS", "ATACMS", "Storm Shadow", "Shahed",
            "loitering munition", "FMS", "DCS", "ITAR", "EAR", "CAATSA", "JADC2", "C4ISR", "EW", "SIGINT",
            "HUMINT", "OSINT", "GEOINT", "MASINT", "NOTAM", "ADIZ", "EEZ", "freedom of navigation",
            "gray-zone", "hybrid warfare", "deterrence by denial", "deterrence by punishment", "escalation ladder",
            "second-strike", "counterforce", "countervalue", "LEO", "GEO", "MEO", "SSO", "rideshare",
            "reusable booster", "ASAT", "space domain awareness", "PNT", "SATCOM", "SAR satellite",
            "hyperspectral", "kill chain", "sensor-to-shooter", "sortie rate", "force posture",
            "forward operating base", "MRO", "offset agreement", "tranche", "FMF", "PDA", "USAI",
            "NDAA", "continuing resolution", "industrial base", "sole source", "IDIQ", "OTA", "TRL",
            "LRIP", "FRP", "IOC", "FOC", "MTOW", "stealth", "RCS", "AESA", "IRST", "datalink", "Link 16",
            "interoperability", "burden sharing", "Article 5", "collective defense", "no-fly zone",
            "humanitarian corridor", "ceasefire line", "buffer zone", "proxy", "patron state",
            "plausible deniability", "attribution", "red line", "tripwire force", "drone swarm",
            "counter-battery", "fires", "precision-guided munition", "standoff weapon", "decoy", "jamming",
            "spoofing", "cyber effects", "zero-day", "air policing", "QRA", "tanker", "AWACS"][:120]

SENTIMENTS = ["very-negative", "negative", "neutral", "positive", "very-positive"]
OUTLETS = ["ewn.co.za", "standardmedia.co.ke", "reuters.com", "apnews.com", "defensenews.com", "janes.com",
           "breakingdefense.com", "spacenews.com", "aljazeera.com", "timesofisrael.com", "thenationalnews.com",
           "kyivindependent.com", "scmp.com", "nikkei.com", "lemonde.fr", "dw.com", "bbc.co.uk", "ft.com",
           "politico.eu", "arabnews.com"]
VERBS = ["urged", "warned", "announced", "signed", "approved", "rejected", "tested", "deployed", "ordered",
         "delayed", "expanded", "suspended", "confirmed", "denied", "launched", "intercepted", "condemned",
         "negotiated", "accelerated", "cancelled"]
NOUNS = ["contract", "strike", "exercise", "agreement", "budget", "program", "statement", "deployment",
         "launch", "sanction", "intercept", "delivery", "review", "summit", "proposal", "investigation",
         "shipment", "upgrade", "order", "partnership"]
ADJECTIVES = ["regional", "unprecedented", "long-range", "multi-year", "joint", "classified", "emergency",
              "controversial", "strategic", "tactical", "expanded", "phased", "bilateral", "unilateral", "renewed",
              "delayed", "record", "limited", "sweeping", "preliminary"]
SPEAKERS = ["analysts", "officials", "operators", "planners", "the ministry", "the alliance", "observers",
            "diplomats", "commanders", "investors", "lawmakers", "regulators", "insurers", "shippers",
            "procurement chiefs", "intelligence services"]
CONNECTIVES = ["however", "meanwhile", "at the same time", "in practice", "by contrast", "as a result",
               "for now", "in the longer term", "on paper", "in the region"]
