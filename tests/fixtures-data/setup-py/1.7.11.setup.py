# Written for crosscheck's tests: the constructs of Django 1.7.x's setup.py (setuptools,
# find_packages with an exclusion list, an entry point, a warning decided before the call and
# printed after it), with its literal metadata. Not Django's code.
import os
import sys

from setuptools import setup, find_packages
from distutils.sysconfig import get_python_lib

earlier_copy = None
if "install" in sys.argv:
    search = [get_python_lib()]
    if search[0].startswith("/usr/lib/"):
        search.append(get_python_lib(prefix="/usr/local"))
    for where in search:
        if os.path.exists(os.path.join(where, "django")):
            earlier_copy = os.path.join(where, "django")
            break


EXCLUDE_FROM_PACKAGES = ['django.conf.project_template',
                         'django.conf.app_template',
                         'django.bin']

version = __import__('django').get_version()


setup(
    name='Django',
    version=version,
    url='http://www.djangoproject.com/',
    author='Django Software Foundation',
    author_email='foundation@djangoproject.com',
    description=('A high-level Python Web framework that encourages '
                 'rapid development and clean, pragmatic design.'),
    license='BSD',
    packages=find_packages(exclude=EXCLUDE_FROM_PACKAGES),
    include_package_data=True,
    scripts=['django/bin/django-admin.py'],
    entry_points={'console_scripts': [
        'django-admin = django.core.management:execute_from_command_line',
    ]},
    zip_safe=False,
    classifiers=[
        'Development Status :: 5 - Production/Stable',
        'Environment :: Web Environment',
        'Framework :: Django',
        'Intended Audience :: Developers',
        'License :: OSI Approved :: BSD License',
        'Operating System :: OS Independent',
        'Programming Language :: Python',
        'Programming Language :: Python :: 2',
        'Programming Language :: Python :: 2.7',
        'Programming Language :: Python :: 3',
        'Programming Language :: Python :: 3.2',
        'Programming Language :: Python :: 3.3',
        'Programming Language :: Python :: 3.4',
        'Topic :: Internet :: WWW/HTTP',
        'Topic :: Internet :: WWW/HTTP :: Dynamic Content',
        'Topic :: Internet :: WWW/HTTP :: WSGI',
        'Topic :: Software Development :: Libraries :: Application Frameworks',
        'Topic :: Software Development :: Libraries :: Python Modules',
    ],
)

if earlier_copy:
    sys.stderr.write("An earlier Django is still at %(path)s.\n" % {"path": earlier_copy})
