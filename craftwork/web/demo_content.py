"""Realistic content for the demo data: places, headlines, bios, companies, portfolio pieces.

Kept apart from ``demo.py`` (which calls the services) so the data is easy to extend.
"""

# (city, ISO country, latitude, longitude, time zone, currency)
CITIES = [
    ("New York", "US", "40.712776", "-74.005974", "America/New_York", "USD"),
    ("Austin", "US", "30.267153", "-97.743057", "America/Chicago", "USD"),
    ("Chicago", "US", "41.878113", "-87.629799", "America/Chicago", "USD"),
    ("San Francisco", "US", "37.774929", "-122.419418", "America/Los_Angeles", "USD"),
    ("Seattle", "US", "47.606209", "-122.332069", "America/Los_Angeles", "USD"),
    ("Denver", "US", "39.739236", "-104.990251", "America/Denver", "USD"),
    ("Toronto", "CA", "43.653225", "-79.383186", "America/Toronto", "CAD"),
    ("Vancouver", "CA", "49.282730", "-123.120735", "America/Vancouver", "CAD"),
    ("Mexico City", "MX", "19.432608", "-99.133209", "America/Mexico_City", "MXN"),
    ("Guadalajara", "MX", "20.659698", "-103.349609", "America/Mexico_City", "MXN"),
    ("London", "GB", "51.507351", "-0.127758", "Europe/London", "GBP"),
    ("Manchester", "GB", "53.480759", "-2.242631", "Europe/London", "GBP"),
    ("Madrid", "ES", "40.416775", "-3.703790", "Europe/Madrid", "EUR"),
    ("Barcelona", "ES", "41.385063", "2.173404", "Europe/Madrid", "EUR"),
    ("Valencia", "ES", "39.469907", "-0.376288", "Europe/Madrid", "EUR"),
    ("Berlin", "DE", "52.520008", "13.404954", "Europe/Berlin", "EUR"),
    ("Munich", "DE", "48.135125", "11.581981", "Europe/Berlin", "EUR"),
    ("Paris", "FR", "48.856613", "2.352222", "Europe/Paris", "EUR"),
    ("Lyon", "FR", "45.764043", "4.835659", "Europe/Paris", "EUR"),
    ("Amsterdam", "NL", "52.367573", "4.904139", "Europe/Amsterdam", "EUR"),
    ("Lisbon", "PT", "38.722252", "-9.139337", "Europe/Lisbon", "EUR"),
    ("Dublin", "IE", "53.349805", "-6.260310", "Europe/Dublin", "EUR"),
    ("Sydney", "AU", "-33.868820", "151.209296", "Australia/Sydney", "AUD"),
    ("Melbourne", "AU", "-37.813629", "144.963058", "Australia/Melbourne", "AUD"),
    ("Buenos Aires", "AR", "-34.603684", "-58.381559", "America/Argentina/Buenos_Aires", "USD"),
    ("Bogotá", "CO", "4.710989", "-74.072090", "America/Bogota", "USD"),
]

# Per skill category: headlines, an opening line for the bio, hourly rate range (major units),
# whether the work is done on site, and portfolio piece titles.
CATEGORY_PROFILES = {
    "software-development": {
        "headlines": [
            "Senior back-end engineer: APIs that stay up",
            "Python & Django developer for data-heavy products",
            "Cloud and DevOps engineer: CI/CD, Docker, Kubernetes",
            "Full-cycle software engineer, 10+ years shipping",
            "Go and Rust systems programmer",
        ],
        "intro": "I design, build and operate back-end systems that are boring in the best way: "
        "tested, observable and easy to change.",
        "rates": (45, 160),
        "on_site": False,
        "portfolio": [
            "Payments API for a fintech start-up",
            "Migration of a monolith to services",
            "Internal tooling platform",
        ],
    },
    "web-mobile": {
        "headlines": [
            "React & TypeScript front-end developer",
            "Mobile apps with Flutter and React Native",
            "WordPress and Shopify sites that convert",
            "Full-stack web developer (Next.js, Node.js)",
        ],
        "intro": "I build fast, accessible web and mobile interfaces and care about every pixel and millisecond.",
        "rates": (35, 130),
        "on_site": False,
        "portfolio": [
            "E-commerce storefront redesign",
            "Booking app for a fitness studio",
            "Marketing site with CMS",
        ],
    },
    "data-ai": {
        "headlines": [
            "Data scientist: forecasting and experimentation",
            "Machine learning engineer for production models",
            "Data engineer: pipelines, warehouses, dbt",
            "LLM applications and retrieval systems",
        ],
        "intro": "I turn messy data into decisions: clean pipelines, honest analysis and models that hold up in production.",
        "rates": (50, 180),
        "on_site": False,
        "portfolio": [
            "Demand forecasting for a retailer",
            "Churn model and dashboard",
            "Document search with embeddings",
        ],
    },
    "design-creative": {
        "headlines": [
            "Brand identity and logo designer",
            "Product designer (UI/UX) for SaaS",
            "Illustrator for books, games and brands",
            "Motion designer and video editor",
        ],
        "intro": "Design that explains itself. I start from your users and your goals, then sweat the details.",
        "rates": (30, 120),
        "on_site": False,
        "portfolio": [
            "Rebrand for a coffee roaster",
            "Mobile banking app redesign",
            "Children's book illustrations",
        ],
    },
    "writing-translation": {
        "headlines": [
            "Conversion copywriter for B2B SaaS",
            "Technical writer: docs developers actually read",
            "English-Spanish translator, legal and medical",
            "Ghostwriter and editor for non-fiction",
        ],
        "intro": "Clear words sell, teach and persuade. I write, edit and translate with your reader in mind.",
        "rates": (25, 95),
        "on_site": False,
        "portfolio": [
            "Developer documentation overhaul",
            "Website copy for a clinic",
            "Translated product catalogue",
        ],
    },
    "marketing-sales": {
        "headlines": [
            "SEO specialist: technical audits and content",
            "Performance marketer (Google & Meta ads)",
            "Email marketing and automation expert",
            "Social media manager for consumer brands",
        ],
        "intro": "I grow audiences and revenue with measurable campaigns, and I report what worked and what did not.",
        "rates": (30, 110),
        "on_site": False,
        "portfolio": [
            "Organic traffic x3 in nine months",
            "Paid social launch campaign",
            "Lifecycle email programme",
        ],
    },
    "admin-support": {
        "headlines": [
            "Executive virtual assistant",
            "Customer support lead (Zendesk, Intercom)",
            "Project coordinator for small teams",
            "Data entry and research, fast and accurate",
        ],
        "intro": "I keep calendars, inboxes and customers in order so you can focus on the work only you can do.",
        "rates": (15, 55),
        "on_site": False,
        "portfolio": [
            "Support playbook for a SaaS team",
            "Travel and event coordination",
            "CRM clean-up",
        ],
    },
    "finance-legal": {
        "headlines": [
            "Bookkeeper for small businesses (Xero, QuickBooks)",
            "Chartered accountant: tax and year-end",
            "Financial modelling for fundraising",
            "Contract review and business law advice",
        ],
        "intro": "Numbers you can trust and paperwork done right, on time, with plain-language explanations.",
        "rates": (40, 150),
        "on_site": False,
        "portfolio": [
            "Monthly close for a restaurant group",
            "Seed-round financial model",
            "Terms of service review",
        ],
    },
    "home-services": {
        "headlines": [
            "Licensed plumber: repairs and installations",
            "Certified electrician for homes and offices",
            "Professional house cleaning, eco products",
            "Carpenter and handyman, no job too small",
            "Interior and exterior painter",
            "Gardener and landscaper",
        ],
        "intro": "Reliable, insured and on time. I bring my own tools, protect your home and clean up after the job.",
        "rates": (25, 90),
        "on_site": True,
        "portfolio": ["Bathroom renovation", "Full rewiring of a flat", "Garden redesign"],
    },
    "tutoring-education": {
        "headlines": [
            "Maths and physics tutor (secondary and university)",
            "Spanish teacher for adults, all levels",
            "English conversation and exam preparation",
            "Piano and music theory lessons",
        ],
        "intro": "Patient, structured lessons that build confidence. Online or in person.",
        "rates": (20, 80),
        "on_site": True,
        "portfolio": [
            "Exam preparation programme",
            "Conversation club curriculum",
            "Study plan templates",
        ],
    },
    "mentorship-coaching": {
        "headlines": [
            "Engineering manager mentoring new leads",
            "Career coach for career changers",
            "Interview preparation for tech roles",
            "Start-up mentor: from idea to first customers",
        ],
        "intro": "Twenty years of hiring and leading teams. I help you see your next step clearly and take it.",
        "rates": (60, 200),
        "on_site": False,
        "portfolio": [
            "Mentoring programme for first-time managers",
            "Mock interview series",
            "Founder office hours",
        ],
    },
}

BIO_MIDDLES = [
    "Clients describe me as calm under pressure and easy to work with.",
    "I reply within a few hours on working days and give honest estimates up front.",
    "I have worked with start-ups, agencies and established companies across three continents.",
    "Every engagement starts with a short call to agree on goals, scope and how we measure success.",
    "I document what I do so that you are never locked in.",
]

BIO_ENDS = [
    "**What you get:** a clear plan, regular updates and work that is finished when I say it is.",
    "**Availability:** I take on a small number of clients at a time so each one gets real attention.",
    "Send me a message with what you need — I am happy to give a quick first opinion for free.",
]

COMPANY_SUFFIXES = [
    "Studio",
    "Labs",
    "& Co.",
    "Group",
    "Works",
    "Partners",
    "Collective",
    "Holdings",
]

LANGUAGE_SETS = [
    [{"code": "en", "level": "native"}],
    [{"code": "en", "level": "fluent"}, {"code": "es", "level": "native"}],
    [{"code": "en", "level": "native"}, {"code": "fr", "level": "conversational"}],
    [{"code": "de", "level": "native"}, {"code": "en", "level": "fluent"}],
    [{"code": "es", "level": "native"}, {"code": "en", "level": "conversational"}],
    [
        {"code": "pt", "level": "native"},
        {"code": "en", "level": "fluent"},
        {"code": "es", "level": "conversational"},
    ],
]

PALETTE = [
    (31, 111, 92), (232, 163, 61), (27, 94, 158), (179, 38, 30), (94, 53, 177),
    (0, 121, 107), (230, 81, 0), (55, 71, 79),
]  # fmt: skip
