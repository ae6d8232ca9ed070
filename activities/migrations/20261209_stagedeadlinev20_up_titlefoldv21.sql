-- Titles searched without their diacritics: officials type "dat dai" for "Đất đai". A title's fold is its letters with the
-- Vietnamese vowels' marks taken off, đ as d, in lower case (upper-case letters listed too: lower() of the database's
-- locale may leave them), kept in a column of its own that a search reads as it read the title.
CREATE FUNCTION legis_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN lower(translate(t, 'ÀÁÂÃÈÉÊÌÍÎÒÓÔÕÙÚÛÝàáâãèéêìíîòóôõùúûýĂăĔĕĨĩĬĭŎŏŨũŬŭŶŷƠơƯưṌṍṸṹẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹđĐ',
                              'aaaaeeeiiioooouuuyaaaaeeeiiioooouuuyaaeeiiiioouuuuyyoouuoouuaaaaaaaaaaaaaaaaaaaaaaaaeeeeeeeeeeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyydd'));
ALTER TABLE submissions ADD COLUMN title_folded text GENERATED ALWAYS AS (legis_fold(title)) STORED;
