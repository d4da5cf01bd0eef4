"""Realistic content for the catalog demo data: gig titles per subcategory, package shapes, FAQs,
questions for buyers and mentorship topics. Kept apart from ``demo.py``, which calls the services."""

# Subcategory slug -> gig titles.
GIG_TITLES = {
    "backend-development": ["I will build a Django REST back end for your app", "I will write a fast Go microservice", "I will fix bugs in your Node.js API"],
    "apis-integrations": ["I will integrate Stripe payments into your site", "I will connect your CRM to any REST API", "I will design a clean, documented REST API"],
    "devops-cloud": ["I will set up CI/CD with GitHub Actions", "I will dockerize your application", "I will deploy your app to AWS with Terraform"],
    "databases": ["I will optimise your slow PostgreSQL queries", "I will design your database schema", "I will migrate your MySQL data to PostgreSQL"],
    "testing-qa": ["I will write automated tests for your web app", "I will set up Playwright end-to-end tests", "I will test your app and report every bug"],
    "security-audits": ["I will audit your web app for OWASP top 10 issues", "I will harden your Linux server", "I will review your code for security flaws"],
    "embedded-iot": ["I will write firmware for your ESP32 project", "I will build an IoT dashboard for your sensors", "I will port your C code to Rust"],
    "desktop-applications": ["I will build a Windows desktop app in .NET", "I will create a cross-platform desktop tool", "I will modernise your legacy Java Swing app"],
    "website-development": ["I will build a responsive React website", "I will turn your Figma design into clean HTML and CSS", "I will build your Next.js landing page"],
    "wordpress-sites": ["I will build a fast WordPress website", "I will fix any WordPress error", "I will speed up your WordPress site"],
    "online-stores": ["I will set up your Shopify store", "I will customise your WooCommerce shop", "I will migrate your store to Shopify"],
    "mobile-apps": ["I will build your Flutter app for iOS and Android", "I will fix crashes in your React Native app", "I will publish your app to the App Store and Google Play"],
    "accessibility-audits": ["I will audit your website for WCAG 2.2 AA", "I will fix accessibility issues in your React app", "I will test your site with screen readers"],
    "website-care": ["I will maintain and back up your website monthly", "I will update your WordPress plugins safely", "I will monitor your site and fix problems fast"],
    "data-analysis-reporting": ["I will analyse your sales data and report insights", "I will clean and analyse your survey results", "I will build an Excel model for your business"],
    "dashboards-bi": ["I will build a Power BI dashboard", "I will create an interactive Tableau dashboard", "I will automate your weekly KPI report"],
    "machine-learning-models": ["I will build a machine learning model to predict churn", "I will train an image classifier for your products", "I will deploy your ML model as an API"],
    "ai-chatbots-llm": ["I will build an AI chatbot on your documents", "I will automate your support emails with an LLM", "I will build a retrieval-augmented search for your site"],
    "data-pipelines": ["I will build an ETL pipeline into your data warehouse", "I will set up Airflow for your data jobs", "I will clean and merge your messy datasets"],
    "web-scraping-data": ["I will scrape product data from any website", "I will build a scheduled web scraper", "I will collect leads from public directories"],
    "logo-brand-identity": ["I will design a modern minimalist logo", "I will create a complete brand identity kit", "I will redesign your logo and brand guidelines"],
    "ui-ux-design": ["I will design your mobile app UI in Figma", "I will redesign your website UX", "I will run usability tests and report findings"],
    "illustration-art": ["I will illustrate your children's book", "I will draw custom editorial illustrations", "I will create a mascot for your brand"],
    "video-animation": ["I will edit your YouTube videos", "I will create an animated explainer video", "I will make motion graphics for your social ads"],
    "photography-services": ["I will shoot product photos on a white background", "I will retouch your product photos", "I will photograph your event"],
    "3d-interior": ["I will render your interior design in 3D", "I will model your product in 3D", "I will design your living room layout"],
    "presentations": ["I will design your investor pitch deck", "I will turn your slides into a polished presentation", "I will create a branded PowerPoint template"],
    "audio-voice": ["I will record a professional voice over", "I will mix and master your podcast", "I will produce an intro jingle for your show"],
    "copywriting-content": ["I will write SEO blog posts for your business", "I will write persuasive website copy", "I will write product descriptions that sell"],
    "technical-docs": ["I will write clear API documentation", "I will write your software user manual", "I will build your knowledge base articles"],
    "editing-proofreading": ["I will proofread and edit your English text", "I will edit your novel manuscript", "I will polish your academic paper"],
    "resumes-cover-letters": ["I will write a standout resume and cover letter", "I will optimise your LinkedIn profile", "I will rewrite your CV for tech roles"],
    "translation-services": ["I will translate English to Spanish naturally", "I will translate your website into French", "I will translate legal documents English-German"],
    "localization-subtitles": ["I will localise your app into Spanish and Portuguese", "I will subtitle your videos in English and Spanish", "I will translate your game strings"],
    "transcription-services": ["I will transcribe your audio and video accurately", "I will transcribe your interviews with timestamps", "I will transcribe your podcast episodes"],
    "grants-ghostwriting": ["I will write a winning grant proposal", "I will ghostwrite your non-fiction book", "I will write your keynote speech"],
    "seo-services": ["I will do a complete SEO audit of your site", "I will research keywords for your niche", "I will optimise your on-page SEO"],
    "paid-advertising": ["I will set up and manage your Google Ads", "I will run Facebook and Instagram ad campaigns", "I will audit your ad account and cut waste"],
    "social-media-marketing": ["I will manage your Instagram for a month", "I will plan your social media content calendar", "I will find influencers for your brand"],
    "email-automation": ["I will set up Mailchimp email automations", "I will write and design your newsletter", "I will build your Klaviyo flows"],
    "lead-generation-sales": ["I will build a targeted B2B lead list", "I will set up HubSpot CRM for your team", "I will write cold email sequences that get replies"],
    "research-pr": ["I will research your market and competitors", "I will write and distribute your press release", "I will run a customer survey and analyse results"],
    "ecommerce-growth": ["I will optimise your Amazon listings", "I will improve your store's conversion rate", "I will set up your Google Shopping feed"],
    "virtual-assistants": ["I will be your virtual assistant", "I will manage your inbox and calendar", "I will organise your files and documents"],
    "customer-support-services": ["I will answer your customer support emails", "I will handle your live chat support", "I will write your support macros and FAQ"],
    "data-entry-processing": ["I will do accurate data entry from any source", "I will clean up your spreadsheet data", "I will process your online orders"],
    "project-admin": ["I will coordinate your project in Asana or Trello", "I will take minutes and follow up on meetings", "I will set up your office processes"],
    "travel-events": ["I will plan your business trip itinerary", "I will organise your company event", "I will research venues for your conference"],
    "bookkeeping-accounting": ["I will do your monthly bookkeeping in QuickBooks", "I will reconcile your accounts in Xero", "I will clean up your books"],
    "tax-payroll": ["I will prepare your self-employed tax return", "I will run payroll for your small team", "I will review your expenses for deductions"],
    "financial-modeling-analysis": ["I will build a 3-statement financial model", "I will value your startup with a DCF", "I will analyse your company's finances"],
    "business-plans-services": ["I will write an investor-ready business plan", "I will write a bank loan business plan", "I will build your go-to-market plan"],
    "legal-documents": ["I will draft your freelance service contract", "I will write terms and conditions for your site", "I will research a legal question for you"],
    "ip-compliance": ["I will file your trademark application", "I will review your GDPR compliance", "I will prepare your visa application paperwork"],
    "cleaning-services": ["I will deep clean your home", "I will do your move-out cleaning", "I will clean your windows inside and out"],
    "plumbing-electrical": ["I will fix your leaking tap or toilet", "I will install light fittings and sockets", "I will service your boiler or air conditioning"],
    "handyman-assembly": ["I will assemble your flat-pack furniture", "I will hang shelves, pictures and curtains", "I will do small repairs around your home"],
    "painting-flooring": ["I will paint a room in your home", "I will tile your bathroom or kitchen", "I will lay laminate or vinyl flooring"],
    "moving-services": ["I will help you move house", "I will pack and label your belongings", "I will load and unload your moving van"],
    "garden-outdoor": ["I will mow your lawn and tidy your garden", "I will plant and maintain your garden beds", "I will pressure wash your patio"],
    "pet-care": ["I will walk your dog daily", "I will pet sit in your home", "I will visit and feed your cat"],
    "math-science": ["I will tutor you in high school maths", "I will help you with university physics", "I will explain chemistry step by step"],
    "language-lessons": ["I will teach you conversational Spanish", "I will help you prepare for IELTS", "I will teach you business English"],
    "programming-lessons": ["I will teach you Python from scratch", "I will help you with your coding homework", "I will prepare you for coding interviews"],
    "test-prep-essays": ["I will prepare you for the SAT maths section", "I will coach your college application essay", "I will help you study for the GRE"],
    "music-lessons": ["I will teach you guitar online", "I will give you beginner piano lessons", "I will teach you music theory"],
    "course-design": ["I will design your online course curriculum", "I will write lesson plans for your class", "I will create quizzes for your course"],
    "career-interviews": ["I will review your CV and career plan", "I will run a mock job interview with feedback", "I will help you negotiate your salary"],
    "leadership-management": ["I will coach you as a new manager", "I will help you build your product roadmap", "I will run a leadership workshop for your team"],
    "tech-design-mentorship": ["I will review your code and mentor you", "I will review your design portfolio", "I will help you grow to senior engineer"],
    "startup-business": ["I will review your startup idea and pitch", "I will coach you through your first hires", "I will help you find product-market fit"],
    "speaking-life": ["I will coach you for your next big talk", "I will help you set and reach your goals", "I will help you speak with confidence"],
    "health-fitness": ["I will create your personal workout plan", "I will design a meal plan for your goals", "I will coach you to run your first 10k"],
}  # fmt: skip

# Per top-level category: price range of the cheapest package (major units) and what packages include.
CATEGORY_PACKAGES = {
    "software-development": ((90, 400), ["Source code", "Documentation", "Deployment help", "Unit tests", "Code review call"]),
    "web-mobile": ((60, 350), ["Responsive design", "Source code", "Content upload", "Speed optimisation", "Launch support"]),
    "data-ai": ((80, 380), ["Clean dataset", "Jupyter notebook", "Written report", "Dashboard", "Walkthrough call"]),
    "design-creative": ((35, 220), ["Source files", "High-resolution export", "Commercial use", "Social media kit", "Print-ready files"]),
    "writing-translation": ((20, 150), ["Proofread text", "SEO keywords", "Plagiarism check", "Formatted document", "Meta description"]),
    "marketing-sales": ((60, 300), ["Strategy document", "Campaign set-up", "Weekly report", "Ad copy", "Audience research"]),
    "admin-support": ((25, 120), ["Daily updates", "Shared tracker", "Email templates", "Weekly summary"]),
    "finance-legal": ((70, 320), ["Reconciled accounts", "Summary report", "Editable spreadsheet", "Review call"]),
    "home-services": ((40, 180), ["Materials included", "Clean-up afterwards", "Tools and equipment", "Satisfaction check"]),
    "tutoring-education": ((25, 90), ["Lesson notes", "Practice exercises", "Progress report", "Recorded session"]),
    "mentorship-coaching": ((50, 200), ["Preparation questionnaire", "Written action plan", "Follow-up email", "Resource list"]),
}  # fmt: skip

PACKAGE_NAMES = {
    "basic": ["Starter", "Essential", "Basic", "Lite"],
    "standard": ["Standard", "Professional", "Plus", "Growth"],
    "premium": ["Premium", "Complete", "Ultimate", "Pro"],
}
PACKAGE_DESCRIPTIONS = {
    "basic": "The essentials, done well: a good fit for a first order or a small job.",
    "standard": "The most popular choice: more scope, more revisions and extras included.",
    "premium": "Everything included, priority delivery and direct support until you are happy.",
}
DESCRIPTION_OPENINGS = [
    "I have delivered this service to dozens of happy clients, and I keep the process simple.",
    "You get a clear plan before I start and regular updates while I work.",
    "I focus on quality and on understanding what you really need.",
]
DESCRIPTION_STEPS = [
    "**How it works**\n\n1. You tell me about your goals and answer a few questions.\n"
    "2. I share a first version quickly.\n3. We refine it together until it is right.",
    "**What you can expect**\n\n- Clear communication\n- On-time delivery\n- Revisions included",
]
EXTRAS = [
    ("Express delivery", 0.5, 0),
    ("Extra revision", 0.2, 1),
    ("Source files", 0.3, 0),
    ("Priority support for a month", 0.6, 0),
]
FAQS = [
    ("What do you need from me to start?", "The answers to the questions after you order, plus any files or examples you have."),
    ("Can I ask for changes?", "Yes: each package includes the revisions listed. Extra revisions are available as an extra."),
    ("What if I need something bigger?", "Send me a message before ordering and we can agree on a custom offer."),
]  # fmt: skip
REQUIREMENTS = [
    {"question": "Describe what you need in a few sentences.", "kind": "text", "required": True},
    {"question": "Do you have examples you like? Paste links here.", "kind": "text", "required": False},
    {"question": "How soon do you need it?", "kind": "choice", "choices": ["As soon as possible", "Within two weeks", "No rush"], "required": True},
]  # fmt: skip

# Mentorship topics by top-level category; any category falls back to GENERAL_TOPICS.
MENTOR_TOPICS = {
    "mentorship-coaching": ["Career strategy session", "Mock interview with feedback", "Leadership one-to-one"],
    "tutoring-education": ["One-to-one lesson", "Exam preparation session", "Homework help session"],
    "software-development": ["Code review and mentoring", "System design interview practice", "Career chat for engineers"],
    "web-mobile": ["Front-end code review", "Portfolio and career review"],
    "data-ai": ["Data science career chat", "Machine learning project review"],
    "design-creative": ["Design portfolio review", "Design critique session"],
    "marketing-sales": ["Marketing strategy session", "Growth plan review"],
    "finance-legal": ["Small business finance check-up", "Startup funding Q&A"],
    "writing-translation": ["Writing feedback session", "Freelance writing career chat"],
}  # fmt: skip
GENERAL_TOPICS = ["One-to-one advice session", "Freelancing Q&A"]
