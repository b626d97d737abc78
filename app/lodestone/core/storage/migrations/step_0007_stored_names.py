# ruff: noqa: E501
# The SQL is kept exactly as it ran, long lines included.
"""Migration 0007, as shipped: never edit it (add a new step instead).

Lists sort deals by their parties and events by their companies. Sorting on a per-row
subquery took 2.9 s over a million events; the names are stored in the row instead, kept by
triggers on every path that writes links or renames a company (forms, imports, restores,
generated data), and indexed like the other sort columns. Names follow the form's order.
"""

SQL = """
ALTER TABLE deals ADD COLUMN party_names TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN company_names TEXT NOT NULL DEFAULT '';
UPDATE deals SET party_names = coalesce((SELECT group_concat(name, ', ') FROM (SELECT c.name AS name FROM deal_parties l JOIN companies c ON c.id = l.company_id WHERE l.deal_id = deals.id GROUP BY c.id ORDER BY min(l.position), c.id)), '');
UPDATE events SET company_names = coalesce((SELECT group_concat(name, ', ') FROM (SELECT c.name AS name FROM event_companies l JOIN companies c ON c.id = l.company_id WHERE l.event_id = events.id GROUP BY c.id ORDER BY min(l.position), c.id)), '');
CREATE INDEX deals_list_parties ON deals(party_names COLLATE NOCASE, id)
    WHERE deleted_at IS NULL;
CREATE INDEX events_list_companies ON events(company_names COLLATE NOCASE, id)
    WHERE deleted_at IS NULL;

CREATE TRIGGER deal_parties_names_insert AFTER INSERT ON deal_parties BEGIN
    UPDATE deals SET party_names = coalesce((SELECT group_concat(name, ', ') FROM (SELECT c.name AS name FROM deal_parties l JOIN companies c ON c.id = l.company_id WHERE l.deal_id = deals.id GROUP BY c.id ORDER BY min(l.position), c.id)), '') WHERE id = NEW.deal_id;
END;
CREATE TRIGGER deal_parties_names_delete AFTER DELETE ON deal_parties BEGIN
    UPDATE deals SET party_names = coalesce((SELECT group_concat(name, ', ') FROM (SELECT c.name AS name FROM deal_parties l JOIN companies c ON c.id = l.company_id WHERE l.deal_id = deals.id GROUP BY c.id ORDER BY min(l.position), c.id)), '') WHERE id = OLD.deal_id;
END;
CREATE TRIGGER deal_parties_names_update AFTER UPDATE ON deal_parties BEGIN
    UPDATE deals SET party_names = coalesce((SELECT group_concat(name, ', ') FROM (SELECT c.name AS name FROM deal_parties l JOIN companies c ON c.id = l.company_id WHERE l.deal_id = deals.id GROUP BY c.id ORDER BY min(l.position), c.id)), '') WHERE id = OLD.deal_id;
    UPDATE deals SET party_names = coalesce((SELECT group_concat(name, ', ') FROM (SELECT c.name AS name FROM deal_parties l JOIN companies c ON c.id = l.company_id WHERE l.deal_id = deals.id GROUP BY c.id ORDER BY min(l.position), c.id)), '') WHERE id = NEW.deal_id;
END;
CREATE TRIGGER companies_rename_deal_parties AFTER UPDATE OF name ON companies BEGIN
    UPDATE deals SET party_names = coalesce((SELECT group_concat(name, ', ') FROM (SELECT c.name AS name FROM deal_parties l JOIN companies c ON c.id = l.company_id WHERE l.deal_id = deals.id GROUP BY c.id ORDER BY min(l.position), c.id)), '')
    WHERE id IN (SELECT deal_id FROM deal_parties WHERE company_id = NEW.id);
END;


CREATE TRIGGER event_companies_names_insert AFTER INSERT ON event_companies BEGIN
    UPDATE events SET company_names = coalesce((SELECT group_concat(name, ', ') FROM (SELECT c.name AS name FROM event_companies l JOIN companies c ON c.id = l.company_id WHERE l.event_id = events.id GROUP BY c.id ORDER BY min(l.position), c.id)), '') WHERE id = NEW.event_id;
END;
CREATE TRIGGER event_companies_names_delete AFTER DELETE ON event_companies BEGIN
    UPDATE events SET company_names = coalesce((SELECT group_concat(name, ', ') FROM (SELECT c.name AS name FROM event_companies l JOIN companies c ON c.id = l.company_id WHERE l.event_id = events.id GROUP BY c.id ORDER BY min(l.position), c.id)), '') WHERE id = OLD.event_id;
END;
CREATE TRIGGER event_companies_names_update AFTER UPDATE ON event_companies BEGIN
    UPDATE events SET company_names = coalesce((SELECT group_concat(name, ', ') FROM (SELECT c.name AS name FROM event_companies l JOIN companies c ON c.id = l.company_id WHERE l.event_id = events.id GROUP BY c.id ORDER BY min(l.position), c.id)), '') WHERE id = OLD.event_id;
    UPDATE events SET company_names = coalesce((SELECT group_concat(name, ', ') FROM (SELECT c.name AS name FROM event_companies l JOIN companies c ON c.id = l.company_id WHERE l.event_id = events.id GROUP BY c.id ORDER BY min(l.position), c.id)), '') WHERE id = NEW.event_id;
END;
CREATE TRIGGER companies_rename_event_companies AFTER UPDATE OF name ON companies BEGIN
    UPDATE events SET company_names = coalesce((SELECT group_concat(name, ', ') FROM (SELECT c.name AS name FROM event_companies l JOIN companies c ON c.id = l.company_id WHERE l.event_id = events.id GROUP BY c.id ORDER BY min(l.position), c.id)), '')
    WHERE id IN (SELECT event_id FROM event_companies WHERE company_id = NEW.id);
END;

"""
