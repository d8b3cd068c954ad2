-- shimscope's sqlite3 workload: a database's life in one session. Every result is printed and
-- compared with expected.txt, so a wrong answer fails the run as surely as a crash.
.bail on
.headers off
.mode list
.nullvalue NULL
PRAGMA journal_mode = DELETE;
PRAGMA foreign_keys = ON;

-- create
CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT NOT NULL, city TEXT NOT NULL, since TEXT);
CREATE TABLE orders(id INTEGER PRIMARY KEY, customer INTEGER NOT NULL REFERENCES customers(id),
                    amount REAL NOT NULL, note TEXT);

-- bulk insert: 2000 customers, 50000 orders in one transaction
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
INSERT INTO customers
SELECT i, printf('customer-%04d', i),
       CASE i % 5 WHEN 0 THEN 'Berlin' WHEN 1 THEN 'Lyon' WHEN 2 THEN 'Porto' WHEN 3 THEN 'Turin' ELSE 'Ghent' END,
       date('2024-01-01', '+' || (i % 366) || ' days')
FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000)
INSERT INTO orders SELECT i, 1 + (i * 7919) % 2000, ((i * 37) % 1000) / 10.0, printf('order %06d %s', i, hex(i * 31337)) FROM n;
COMMIT;

-- index
CREATE INDEX orders_by_customer ON orders(customer);
CREATE INDEX customers_by_city ON customers(city, since);

-- query
SELECT 'orders', count(*), round(sum(amount), 2), min(amount), max(amount) FROM orders;
SELECT city, count(*), min(since), max(since) FROM customers GROUP BY city ORDER BY city;
SELECT c.name, count(o.id), round(sum(o.amount), 2)
  FROM customers c JOIN orders o ON o.customer = c.id
 WHERE c.id IN (1, 2, 1000, 2000) GROUP BY c.id ORDER BY c.id;
SELECT name FROM customers WHERE city = 'Porto' AND since BETWEEN '2024-03-01' AND '2024-03-03' ORDER BY name;
SELECT customer, round(total, 2) FROM (SELECT customer, sum(amount) AS total FROM orders GROUP BY customer)
 ORDER BY total DESC, customer LIMIT 3;
SELECT note FROM orders ORDER BY note DESC LIMIT 2;

-- update
UPDATE orders SET amount = amount * 2 WHERE customer % 10 = 0;
SELECT 'updated', changes();
UPDATE customers SET city = 'Gent' WHERE city = 'Ghent';
SELECT 'renamed', changes();

-- delete
DELETE FROM orders WHERE amount < 5;
SELECT 'deleted', changes();
SELECT 'orders', count(*), round(sum(amount), 2) FROM orders;

-- references still hold (foreign_key_check prints nothing when they do)
PRAGMA foreign_key_check;
SELECT 'orphans', count(*) FROM orders WHERE customer NOT IN (SELECT id FROM customers);

-- vacuum, then a backup and an integrity check of both copies
VACUUM;
PRAGMA integrity_check;
.backup backup.db
ATTACH 'backup.db' AS copy;
SELECT 'backup', count(*), round(sum(amount), 2) FROM copy.orders;
PRAGMA copy.integrity_check;
DETACH copy;

-- write-ahead log: a transaction, a checkpoint, and back
PRAGMA journal_mode = WAL;
INSERT INTO orders(customer, amount, note) SELECT id, 1.5, 'wal' FROM customers WHERE city = 'Lyon';
SELECT 'wal', count(*) FROM orders WHERE note = 'wal';
PRAGMA wal_checkpoint(TRUNCATE);
PRAGMA journal_mode = DELETE;
PRAGMA integrity_check;
SELECT 'done';
