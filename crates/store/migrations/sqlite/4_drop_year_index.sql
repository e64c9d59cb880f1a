-- 4: enterprise_year (year, org_unit_code) served no query that the (uscc, year) key does not serve better
-- (derived counts start from the few qualified enterprises), and it cost every bulk import a random index write.
drop index enterprise_year_year;
