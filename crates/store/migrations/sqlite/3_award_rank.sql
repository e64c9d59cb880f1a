-- 3: the qualification rules count a national S&T award only when the enterprise ranks among the first three
-- winning units (国科发政〔2017〕115号 第八条); migration 1 had no place for the rank.
alter table enterprise_record add column rank integer;
