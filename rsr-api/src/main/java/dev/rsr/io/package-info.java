/** Files written atomically (a crash never leaves half a file) and strict UTF-8 line reading. */
package dev.rsr.io;
