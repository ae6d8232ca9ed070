-- How many of a closed public round's comments still wait for an answer: counted at the round's first answer, then
-- lessened by each (store/public.py `answer`), where every answer counted the whole round again. NULL until then.
ALTER TABLE public_rounds ADD COLUMN unanswered integer CHECK (unanswered >= 0);
