#include "resolver.h"
int main(void){return 0;}
