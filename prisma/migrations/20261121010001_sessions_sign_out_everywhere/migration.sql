-- Signing a staff member out everywhere (password change or reset) deletes their sessions on
-- every clinic's host from the system scope. A DELETE with a WHERE clause only reaches rows its
-- scope may also SELECT, so the system scope needs read access to sessions for that DELETE to
-- see other clinics' rows. Session ids are hashes, so reading them reveals no usable token.
CREATE POLICY sessions_system_read ON sessions FOR SELECT USING (app_is_system());
