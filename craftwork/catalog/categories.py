"""The catalog's category tree: one top-level category per skill category, each with subcategories.

Top-level categories reuse the skills taxonomy (craftwork/profiles/taxonomy.py): the same slug,
name, icon and description, so a Category and its profiles.SkillCategory are linked by slug.
Migration 0002 seeded a frozen copy of this tree; edit it here and run
``manage.py sync_categories`` to change it later. Slugs are stable identifiers.

SUBCATEGORIES: top-level slug -> [(slug, name, description, [related skill slugs]), ...].
The related skills suggest tags for gigs in the subcategory (and the demo data uses them).
"""

from craftwork.profiles.taxonomy import TAXONOMY

SUBCATEGORIES = {
    "software-development": [
        ("backend-development", "Back-end Development", "Server applications, business logic and services.", ["python", "django", "java", "spring-boot", "nodejs", "go", "ruby-on-rails", "php"]),
        ("apis-integrations", "APIs & Integrations", "REST APIs, webhooks and connecting third-party services.", ["rest-api-design", "python", "nodejs"]),
        ("devops-cloud", "DevOps & Cloud", "CI/CD, containers, infrastructure as code and cloud set-up.", ["devops", "docker", "kubernetes", "aws"]),
        ("databases", "Databases", "Schema design, query tuning, migrations and backups.", ["sql", "postgresql"]),
        ("testing-qa", "Testing & QA", "Automated test suites, test plans and quality audits.", ["test-automation"]),
        ("security-audits", "Security Audits", "Vulnerability reviews, hardening and penetration tests.", ["cybersecurity"]),
        ("embedded-iot", "Embedded & IoT", "Firmware, microcontrollers and connected devices.", ["embedded-systems", "c-cpp", "rust"]),
        ("desktop-applications", "Desktop Applications", "Windows, macOS and Linux software.", ["csharp", "dotnet", "c-cpp", "java"]),
    ],
    "web-mobile": [
        ("website-development", "Website Development", "Custom websites and web applications.", ["html-css", "javascript", "typescript", "react", "vuejs", "angular", "nextjs"]),
        ("wordpress-sites", "WordPress", "WordPress themes, plugins, fixes and speed-ups.", ["wordpress", "woocommerce"]),
        ("online-stores", "Online Stores", "Shopify and WooCommerce stores, set-up and customisation.", ["shopify", "woocommerce"]),
        ("mobile-apps", "Mobile Apps", "iOS, Android and cross-platform apps.", ["ios-development", "android-development", "flutter", "react-native"]),
        ("accessibility-audits", "Accessibility Audits", "WCAG reviews and fixes for websites and apps.", ["web-accessibility"]),
        ("website-care", "Website Maintenance", "Updates, backups, monitoring and small changes.", ["website-maintenance", "wordpress"]),
    ],
    "data-ai": [
        ("data-analysis-reporting", "Data Analysis & Reporting", "Answers from your data, in reports people read.", ["data-analysis", "excel-modeling", "statistics"]),
        ("dashboards-bi", "Dashboards & BI", "Power BI and Tableau dashboards and data models.", ["power-bi", "tableau", "data-visualization"]),
        ("machine-learning-models", "Machine Learning Models", "Prediction, classification and vision models.", ["machine-learning", "deep-learning", "computer-vision"]),
        ("ai-chatbots-llm", "AI Chatbots & LLM Apps", "Assistants, retrieval and text automation with language models.", ["llm-applications", "natural-language-processing"]),
        ("data-pipelines", "Data Pipelines", "ETL, warehouses and scheduled data jobs.", ["data-engineering", "etl-pipelines"]),
        ("web-scraping-data", "Web Scraping", "Structured data collected from public websites.", ["web-scraping"]),
    ],
    "design-creative": [
        ("logo-brand-identity", "Logo & Brand Identity", "Logos, colour palettes and brand guidelines.", ["logo-design", "brand-identity", "graphic-design"]),
        ("ui-ux-design", "UI & UX Design", "Interfaces, prototypes and user research.", ["ui-design", "ux-research", "figma"]),
        ("illustration-art", "Illustration", "Editorial, children's book and product illustration.", ["illustration"]),
        ("video-animation", "Video & Animation", "Editing, motion graphics and explainer videos.", ["video-editing", "motion-graphics"]),
        ("photography-services", "Photography", "Product, portrait and event photography.", ["photography", "product-photography"]),
        ("3d-interior", "3D & Interior Design", "3D models, renders and room plans.", ["3d-modeling", "interior-design"]),
        ("presentations", "Presentation Design", "Pitch decks and slides that read well.", ["presentation-design", "graphic-design"]),
        ("audio-voice", "Audio & Voice Over", "Mixing, podcasts and professional voice recordings.", ["audio-production", "voice-over"]),
    ],
    "writing-translation": [
        ("copywriting-content", "Copywriting & Content", "Web copy, articles and blog posts.", ["copywriting", "content-writing", "blog-writing"]),
        ("technical-docs", "Technical Writing", "Manuals, API docs and knowledge bases.", ["technical-writing"]),
        ("editing-proofreading", "Editing & Proofreading", "Clear, correct and consistent text.", ["proofreading", "editing"]),
        ("resumes-cover-letters", "Resumes & Cover Letters", "CVs, cover letters and LinkedIn profiles.", ["resume-writing"]),
        ("translation-services", "Translation", "Human translation between English and other languages.", ["english-spanish-translation", "english-french-translation", "english-german-translation", "english-portuguese-translation"]),
        ("localization-subtitles", "Localization & Subtitles", "Software localization and video subtitles.", ["localization", "subtitling"]),
        ("transcription-services", "Transcription", "Accurate transcripts of audio and video.", ["transcription"]),
        ("grants-ghostwriting", "Grants & Ghostwriting", "Grant proposals, books and speeches.", ["grant-writing", "ghostwriting"]),
    ],
    "marketing-sales": [
        ("seo-services", "SEO", "Audits, keyword research and on-page optimisation.", ["seo"]),
        ("paid-advertising", "Paid Advertising", "Google, Facebook and Instagram ad campaigns.", ["google-ads", "meta-ads"]),
        ("social-media-marketing", "Social Media Marketing", "Content calendars, community and influencers.", ["social-media-management", "influencer-marketing", "content-strategy"]),
        ("email-automation", "Email Marketing & Automation", "Newsletters, flows and marketing automation.", ["email-marketing", "marketing-automation"]),
        ("lead-generation-sales", "Lead Generation & Sales", "Prospect lists, outreach and CRM set-up.", ["lead-generation", "sales-development", "crm-management"]),
        ("research-pr", "Market Research & PR", "Surveys, competitor analysis and press outreach.", ["market-research", "public-relations"]),
        ("ecommerce-growth", "E-commerce Growth", "Marketplace listings and store conversion.", ["ecommerce-marketing"]),
    ],
    "admin-support": [
        ("virtual-assistants", "Virtual Assistants", "Inbox, calendar and everyday admin help.", ["virtual-assistance", "calendar-management", "email-management"]),
        ("customer-support-services", "Customer Support", "Email, chat and technical support for your customers.", ["customer-service", "chat-support", "technical-support"]),
        ("data-entry-processing", "Data Entry & Processing", "Careful data entry, clean-up and order handling.", ["data-entry", "order-processing"]),
        ("project-admin", "Project Coordination", "Keeping projects, documents and offices running.", ["project-coordination", "office-administration"]),
        ("travel-events", "Travel & Event Planning", "Itineraries, bookings and events organised end to end.", ["travel-planning", "event-planning"]),
    ],
    "finance-legal": [
        ("bookkeeping-accounting", "Bookkeeping & Accounting", "Monthly books, reconciliations and reports.", ["bookkeeping", "accounting", "quickbooks", "xero"]),
        ("tax-payroll", "Tax & Payroll", "Tax returns and payroll runs.", ["tax-preparation", "payroll"]),
        ("financial-modeling-analysis", "Financial Modeling", "Forecasts, valuations and financial analysis.", ["financial-modeling", "financial-analysis"]),
        ("business-plans-services", "Business Plans", "Business plans investors and banks can read.", ["business-planning"]),
        ("legal-documents", "Contracts & Legal Documents", "Contracts, terms and legal research.", ["contract-drafting", "legal-research"]),
        ("ip-compliance", "IP & Compliance", "Trademarks, regulatory compliance and immigration paperwork.", ["intellectual-property", "compliance", "immigration-paperwork"]),
    ],
    "home-services": [
        ("cleaning-services", "Cleaning", "Regular, deep and move-out cleaning, windows and pressure washing.", ["house-cleaning", "deep-cleaning", "move-out-cleaning", "window-cleaning", "pressure-washing"]),
        ("plumbing-electrical", "Plumbing, Electrical & HVAC", "Repairs and installations by qualified trades.", ["plumbing", "electrical-work", "hvac", "appliance-repair"]),
        ("handyman-assembly", "Handyman & Assembly", "Small repairs, furniture assembly, carpentry and locks.", ["handyman", "furniture-assembly", "carpentry", "drywall-repair", "locksmith"]),
        ("painting-flooring", "Painting, Tiling & Flooring", "Interior and exterior painting, tiles, floors and roofs.", ["interior-painting", "exterior-painting", "tiling", "flooring-installation", "roofing"]),
        ("moving-services", "Moving Help", "Packing, loading and moving day help.", ["moving-help"]),
        ("garden-outdoor", "Garden & Outdoor", "Gardening, lawn care and pest control.", ["gardening", "lawn-care", "pest-control"]),
        ("pet-care", "Pet Care", "Pet sitting and dog walking.", ["pet-sitting", "dog-walking"]),
    ],
    "tutoring-education": [
        ("math-science", "Math & Science", "Tutoring in math, physics, chemistry and biology.", ["math-tutoring", "physics-tutoring", "chemistry-tutoring", "biology-tutoring", "homework-help"]),
        ("language-lessons", "Language Lessons", "English, Spanish, French and German lessons.", ["english-lessons", "spanish-lessons", "french-lessons", "german-lessons"]),
        ("programming-lessons", "Programming Lessons", "Learn to code, one to one.", ["programming-tutoring"]),
        ("test-prep-essays", "Test Prep & Essays", "SAT, GRE and GMAT preparation and essay coaching.", ["test-prep", "essay-coaching"]),
        ("music-lessons", "Music Lessons", "Piano and guitar lessons for every level.", ["piano-lessons", "guitar-lessons"]),
        ("course-design", "Curriculum Design", "Courses, lesson plans and learning materials.", ["curriculum-design"]),
    ],
    "mentorship-coaching": [
        ("career-interviews", "Career & Interviews", "Career moves, CV reviews and mock interviews.", ["career-coaching", "interview-preparation"]),
        ("leadership-management", "Leadership & Management", "Leading teams and products.", ["leadership-coaching", "product-management-coaching"]),
        ("tech-design-mentorship", "Engineering & Design Mentorship", "Grow as an engineer or designer with a senior mentor.", ["engineering-mentorship", "design-mentorship"]),
        ("startup-business", "Startups & Business", "Founders and small businesses, from idea to growth.", ["startup-mentorship", "business-coaching"]),
        ("speaking-life", "Speaking & Life Coaching", "Confidence on stage and in life.", ["public-speaking-coaching", "life-coaching"]),
        ("health-fitness", "Health & Fitness", "Fitness and nutrition coaching.", ["fitness-coaching", "nutrition-coaching"]),
    ],
}  # fmt: skip


def category_tree() -> list[tuple]:
    """[(slug, name, icon, description, [(slug, name, description, skills), ...]), ...] in order."""
    return [
        (slug, name, icon, description, SUBCATEGORIES.get(slug, []))
        for slug, name, icon, description, _skills in TAXONOMY
    ]
