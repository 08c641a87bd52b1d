"""Executive information (tin điều hành, SPEC §5): one small Django app per part — the work calendar and meetings,
tasks as official orders, announcements and boards, opinion polls on drafts, internal mail, chat and SMS. They sit
above the document apps (they link to documents, never the reverse) and reach people through ``notifications``."""
