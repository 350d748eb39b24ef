import { hello } from '@bakeline/toolkit';

hello('x');
