/* Debug keys: one-letter requests for state dumps on the hypervisor console. */
#ifndef TERN_KEYHANDLER_H
#define TERN_KEYHANDLER_H

/* Handles one key ('h' lists them); an unknown key is named as such. */
void debug_key(char key);

#endif
